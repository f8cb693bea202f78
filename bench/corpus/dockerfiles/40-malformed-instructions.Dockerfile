FROMM python:3.11
RUN pip install x
WHATEVER this is
COPY
