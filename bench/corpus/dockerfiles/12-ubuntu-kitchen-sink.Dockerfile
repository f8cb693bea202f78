FROM ubuntu
MAINTAINER ops@example.com
RUN apt-get update
RUN apt-get install -y python3 python3-pip git curl wget vim sudo openssh-server build-essential
RUN curl -sSL https://install.python-poetry.org | python3 -
RUN pip3 install ansible==9.5.1 boto3
RUN sudo mkdir -p /var/run/sshd
ENV AWS_ACCESS_KEY_ID=AKIAEXAMPLEKEY000000 \
    AWS_SECRET_ACCESS_KEY=exampleSecretKeyValue000000000000000
EXPOSE 22
CMD ["/usr/sbin/sshd", "-D"]
