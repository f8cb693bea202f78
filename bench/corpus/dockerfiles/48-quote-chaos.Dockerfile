FROM alpine:3.20
ENV A="unterminated B='x C=\"y\" D=${E:-${F:-g}} H=$
LABEL "weird key"="v" =empty novalue
ARG
USER
EXPOSE abc 99999 -1 0 8000-7000 $PORT/tcp
RUN [ "unterminated json
CMD ["sh", 1, null]
FROM
FROM a AS
FROM b AS x y
