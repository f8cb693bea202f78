FROM continuumio/miniconda3:24.5.0-0
COPY environment.yml .
RUN conda env create -f environment.yml && conda clean -afy
SHELL ["conda", "run", "-n", "analytics", "/bin/bash", "-c"]
COPY . /opt/analytics
RUN useradd -m -u 1000 analyst && chown -R analyst /opt/analytics
USER analyst
ENTRYPOINT ["conda", "run", "--no-capture-output", "-n", "analytics", "python", "/opt/analytics/run.py"]
