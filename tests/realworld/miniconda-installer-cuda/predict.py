import argparse

import yaml


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    args = parser.parse_args()
    with open(args.config) as f:
        print(yaml.safe_load(f))


if __name__ == "__main__":
    main()
