#!/usr/bin/env bash
# The Python package's tests on a fresh machine: python3 (3.11 or later: the pinned test requirements need it; the package runs on 3.9) with pip and venv, and the
# Rust toolchain. Creates a virtual environment under target/ (git-ignored), installs the pinned
# test requirements (python/requirements-test.txt) from PyPI, builds the command line
# (the tests compare with it) and the package (maturin develop --release), and runs pytest.
#   bash python/test.sh [PYTEST ARGS...]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

venv=target/pyenv
python=${PYTHON:-python3}
if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating $venv with $($python --version)"
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements-test.txt
echo "python/test.sh: venv and pinned requirements ready after $SECONDS s"

# The command line the tests compare with (the same optimised build as `cargo run --release`).
cargo build --release --locked --quiet
# The package, built and installed into the venv (editable: the compiled module beside
# python/custody_sim/__init__.py).
(
    cd python
    VIRTUAL_ENV="$PWD/../$venv" PATH="$PWD/../$venv/bin:$PATH" \
        "../$venv/bin/maturin" develop --release --locked --quiet
)
echo "python/test.sh: command line and package built after $SECONDS s"
cd python
exec "../$venv/bin/python" -m pytest -q "$@"
