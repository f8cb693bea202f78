"""Predicts one peptide's structure (a stand-in)."""

import argparse


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", required=True)
    args = parser.parse_args()
    print(f"would predict {args.input}")


if __name__ == "__main__":
    main()
