# One command surface, the same here and in CI: `make run`, `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed

# Debian/Ubuntu packages: Qt's runtime libraries (xcb platform and offscreen), PortAudio for the
# microphone, a compiler and CMake for the CPU build of llama-cpp-python, python3-venv, and
# espeak-ng and sox, with which the tests make and measure real speech.
APT_PACKAGES := build-essential cmake python3-venv libegl1 libgl1 libfontconfig1 libdbus-1-3 \
	libglib2.0-0 libxkbcommon0 libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 \
	libxcb-shape0 libxcb-render-util0 libxcb-image0 libportaudio2 espeak-ng sox xvfb xauth

.PHONY: run test lint setup system-packages clean translations

run: $(STAMP)
	$(VENV)/bin/domovoy

test: $(STAMP)
	$(MAKE) --no-print-directory lint
	QT_QPA_PLATFORM=offscreen $(VENV)/bin/pytest

lint: $(STAMP)
	@echo "lint: ruff and mypy"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

setup: $(STAMP)

# The interface's Russian: new source texts into the .ts, the translator's table into it
# (tools/fill_ru.py), then the compiled .qm the app loads. Both files are committed.
translations: $(STAMP)
	$(VENV)/bin/python tools/collect_said.py
	$(VENV)/bin/pyside6-lupdate app/ui/*.py app/ui/pages/*.py app/ui/widgets/*.py -ts app/ui/i18n/domovoy_ru.ts -no-obsolete
	$(VENV)/bin/python tools/fill_ru.py
	$(VENV)/bin/pyside6-lrelease app/ui/i18n/domovoy_ru.ts -qm app/ui/i18n/domovoy_ru.qm

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if ! command -v apt-get >/dev/null; then \
			echo "domovoy needs these Debian/Ubuntu packages (or your system's equivalents):" $$missing; \
			exit 1; \
		elif [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages:" $$missing; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
		else \
			echo "Missing system packages. Run:"; \
			echo "  sudo apt-get install -y" $$missing; \
			exit 1; \
		fi; \
	fi

# torch==2.13.0 goes first: a CPU build of exactly that version is on these machines, and
# anything that depends on torch would otherwise pull several GB of CUDA wheels.
$(STAMP): pyproject.toml Makefile | system-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "domovoy needs Python >= 3.11 (found $$($(PYTHON) --version))"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip wheel setuptools
	$(PIP) install -q torch==2.13.0
	$(MAKE) --no-print-directory llama-wheel
	$(PIP) install -q --no-deps --no-index --find-links $(LLAMA_WHEELS) llama-cpp-python==$(LLAMA_VERSION)
	$(PIP) install -q -e '.[dev,starter]'
	$(PY) -m llm.intent  # the intent classifier, trained once here rather than at a first start
	touch $(STAMP)

# llama-cpp-python has no wheel on PyPI, so pip builds it. Built as pip would (GGML_NATIVE), it is
# tuned to the build machine's CPU: on a VM that advertises AMX and faults on it, every quantized
# GGUF dies with SIGILL, and pip's cache hands that wheel to other machines. So it is built here
# for any x86-64 CPU with AVX2 (FMA, F16C, BMI2; no AVX-512, no AMX), once, into a folder named
# after the version and the flags; pip's own cache is bypassed, since it ignores CMAKE_ARGS.
LLAMA_VERSION := 0.3.36
LLAMA_CMAKE := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF \
	-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
LLAMA_WHEELS ?= $(HOME)/.cache/domovoy/wheels/llama-cpp-python-$(LLAMA_VERSION)-x86-64-avx2

.PHONY: llama-wheel
llama-wheel:
	@ls $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-*.whl >/dev/null 2>&1 || { \
		echo "Building llama-cpp-python $(LLAMA_VERSION) for x86-64 with AVX2 (about 5 minutes)"; \
		mkdir -p $(LLAMA_WHEELS) && \
		CMAKE_ARGS="$(LLAMA_CMAKE)" $(PIP) wheel -q --no-deps --no-cache-dir \
			--no-binary llama-cpp-python llama-cpp-python==$(LLAMA_VERSION) -w $(LLAMA_WHEELS); }

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
