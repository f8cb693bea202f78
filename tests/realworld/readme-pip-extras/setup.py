"""Installs the server's dependencies and checks that the server starts (not a package)."""

import subprocess
import sys


def main() -> None:
    if sys.version_info < (3, 8):
        sys.exit("Python 3.8 or newer is needed")
    subprocess.run([sys.executable, "-m", "pip", "install", "-r", "requirements.txt"], check=True)
    subprocess.run([sys.executable, "test_server.py"], check=False)


if __name__ == "__main__":
    main()
