FROM node:latest
RUN npm install -g pm2
WORKDIR /app
ADD . /app
RUN npm install
EXPOSE 80
CMD pm2-runtime start ecosystem.config.js
