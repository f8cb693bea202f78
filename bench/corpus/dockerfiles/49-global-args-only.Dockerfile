ARG A=1
ARG B
# No FROM at all: only build arguments
