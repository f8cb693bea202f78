FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
ENV DEBIAN_FRONTEND=noninteractive
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip && rm -rf /var/lib/apt/lists/*
RUN python3 -m pip install --no-cache-dir torch==2.3.1 transformers==4.42.3 datasets
ENV HF_TOKEN=hf_exampleexampleexampleexample
ENV TOKENIZERS_PARALLELISM=false
WORKDIR /workspace
COPY train.py .
CMD ["python3", "train.py"]
