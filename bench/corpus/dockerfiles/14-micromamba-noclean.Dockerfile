FROM mambaorg/micromamba:latest
COPY environment.yml /tmp/environment.yml
RUN micromamba create -y -n app -f /tmp/environment.yml
RUN micromamba run -n app pip install some-internal-tool
CMD ["micromamba", "run", "-n", "app", "python", "serve.py"]
