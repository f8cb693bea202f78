FROM python:3.10-alpine
RUN adduser -D -u 1000 app
ONBUILD COPY requirements.txt /app/
ONBUILD RUN pip install -r /app/requirements.txt
ONBUILD COPY . /app
USER app
