# escape=`
# escape=\
# syntax=docker/dockerfile:1
FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
RUN echo one `
    two
USER ContainerUser
