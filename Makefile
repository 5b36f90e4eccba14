# GiveTake: build, test, install. `make test` is what CI runs (.ci/run);
# `make demo` is the first thing a newcomer runs.
PREFIX ?= /usr/local
SWIFT ?= swift
DIST := $(CURDIR)/dist
# The version is defined once, in include/givetake.h.
VERSION := $(shell sed -n 's/.*GT_VERSION_STRING "\(.*\)"/\1/p' include/givetake.h)
SWIFT_STATIC := $(shell dirname $$(dirname $$(which swift)))/lib/swift_static/linux
# A separate scratch path: -static-stdlib changes every object file.
# -enforce-exclusivity=unchecked: see Package.swift.
RELEASEFLAGS := -c release -Xswiftc -static-stdlib -Xswiftc -enforce-exclusivity=unchecked
LIBFLAGS := $(RELEASEFLAGS) --scratch-path .build-lib

.PHONY: fuzz fuzz-build test-fuzz test-asan test-valgrind test-sqlsmith test-load lexicon wheel \
        all lib deps test test-swift test-embedded test-c test-python test-postgres test-cli test-oracle \
        demo cli install uninstall bench bench-scale clean test-report

all: lib

# ---- Libraries ---------------------------------------------------------
# dist/lib/libgivetake.so: self-contained (Swift runtime linked in, only
# gt_* exported). dist/lib/libgivetake.a: one archive with the engine, the
# Swift runtime and its metadata registration object (swiftrt.o), so
# `cc prog.c -lgivetake $(pkg-config --static --libs givetake)` just works.
lib:
	$(SWIFT) build $(LIBFLAGS) --product givetake -Xlinker --version-script=$(CURDIR)/include/givetake.map
	$(SWIFT) build $(LIBFLAGS) --product givetake-static
	mkdir -p $(DIST)/lib/pkgconfig $(DIST)/include $(DIST)/tmp && rm -f $(DIST)/lib/libgivetake.a
	cp .build-lib/release/libgivetake.so $(DIST)/lib/libgivetake.so
	ld -r -o $(DIST)/tmp/givetake.o --whole-archive .build-lib/release/libgivetake-static.a \
	   --no-whole-archive $(SWIFT_STATIC)/x86_64/swiftrt.o
	printf 'create $(DIST)/lib/libgivetake.a\naddmod $(DIST)/tmp/givetake.o\naddlib $(SWIFT_STATIC)/libswiftCore.a\nsave\nend\n' | ar -M
	rm -rf $(DIST)/tmp
	cp include/givetake.h $(DIST)/include/givetake.h
	sed -e 's|@PREFIX@|$(DIST)|' -e 's|@VERSION@|$(VERSION)|' include/givetake.pc.in > $(DIST)/lib/pkgconfig/givetake.pc

# dist/givetake-<version>-py3-none-linux_x86_64.whl: the Python package with
# libgivetake.so bundled (pip install needs no compiler).
PYTHON ?= python3
wheel: lib
	rm -rf python/build $(DIST)/givetake-*.whl
	GIVETAKE_LIB=$(DIST)/lib/libgivetake.so $(PYTHON) -m pip wheel -q --no-deps -w $(DIST) ./python
	rm -rf python/build

install: lib cli
	install -d $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(DIST)/bin/givetake $(DESTDIR)$(PREFIX)/bin/givetake
	install -m 755 $(DIST)/lib/libgivetake_sqlite.so $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(DIST)/lib/libgivetake.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(DIST)/lib/libgivetake.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 include/givetake.h $(DESTDIR)$(PREFIX)/include/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' include/givetake.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/givetake.pc
	if [ -z "$(DESTDIR)" ]; then ldconfig; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/givetake $(DESTDIR)$(PREFIX)/lib/libgivetake_sqlite.so
	rm -f $(DESTDIR)$(PREFIX)/lib/libgivetake.so $(DESTDIR)$(PREFIX)/lib/libgivetake.a \
	      $(DESTDIR)$(PREFIX)/include/givetake.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/givetake.pc

# ---- System packages (CI machines start bare) ---------------------------
APT_PACKAGES := pkg-config tzdata libsqlite3-dev libpq-dev sqlite3 postgresql-15 postgresql-server-dev-15 postgresql-contrib-15
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# ---- Tests ----------------------------------------------------------------
test: deps test-swift test-embedded lib test-c test-python test-postgres test-cli test-oracle test-fuzz test-report
	@echo "make test: all suites passed"

test-swift:
	$(SWIFT) test

# The engine must also build in Embedded Swift mode (no runtime, no
# existentials, no reflection): compile it that way.
test-embedded:
	swiftc -enable-experimental-feature Embedded -wmo -parse-as-library -module-name GiveTakeCore \
	  -c $$(find Sources/GiveTakeCore -name '*.swift' | sort) -o /tmp/givetake-embedded-$$$$.o && \
	  rm -f /tmp/givetake-embedded-*.o && echo "embedded build: ok"

# A C program against the header, linked dynamically and statically.
test-c: lib
	cc -std=c11 -Wall -Wextra -Werror -I include Tests/c/abi_test.c -L $(DIST)/lib -lgivetake \
	   -Wl,-rpath,$(DIST)/lib -o $(DIST)/abi_test_shared
	cc -std=c11 -Wall -Wextra -Werror -I include Tests/c/abi_test.c $(DIST)/lib/libgivetake.a \
	   $$(PKG_CONFIG_PATH=$(DIST)/lib/pkgconfig pkg-config --static --libs-only-l --libs-only-other givetake | sed 's/-lgivetake//') \
	   -o $(DIST)/abi_test_static
	@if ldd $(DIST)/lib/libgivetake.so | grep -q libswift; then echo "libgivetake.so needs a Swift runtime"; exit 1; fi
	$(DIST)/abi_test_shared
	$(DIST)/abi_test_static

# The Python package (python/), installed from its wheel into a fresh
# virtualenv, tested with pytest against the CLI's answers (dist/bin/givetake);
# then in a second one with numpy only (pandas and pyarrow are optional).
PYVENV := $(CURDIR)/.build-py/venv
PYBARE := $(CURDIR)/.build-py/numpy-only
# Debian's python3 needs python3-venv for `-m venv` (ensurepip).
VENV = python3 -m venv $(1) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	apt-get install -y -qq python3-venv >/dev/null && python3 -m venv $(1); }
test-python: lib cli
	test -x $(PYVENV)/bin/python || $(call VENV,$(PYVENV))
	$(PYVENV)/bin/pip install -q pytest numpy pandas pyarrow
	$(MAKE) wheel PYTHON=$(PYVENV)/bin/python
	$(PYVENV)/bin/pip install -q --force-reinstall --no-deps $(DIST)/givetake-$(VERSION)-*.whl
	cd Tests/python && env -u GIVETAKE_LIB GIVETAKE_CLI=$(DIST)/bin/givetake $(PYVENV)/bin/python -m pytest -q
	test -x $(PYBARE)/bin/python || $(call VENV,$(PYBARE))
	$(PYBARE)/bin/pip install -q --force-reinstall --no-deps $(DIST)/givetake-$(VERSION)-*.whl
	$(PYBARE)/bin/pip install -q numpy
	env -u GIVETAKE_LIB $(PYBARE)/bin/python Tests/python/no_pandas_check.py

test-postgres: lib
	bash postgres/test/run.sh

# Needs test-swift first: it also runs the Swift PostgreSQL adapter suite
# against the cluster it starts.
test-cli:
	bash Tests/cli/run.sh

# The metrics against an independent implementation (Tests/oracle/oracle.py)
# on 150 small random CRM tables, with random options and business hours.
test-oracle: cli
	bash Tests/oracle/run.sh 150

# `givetake report` rendered by headless Chromium (installed if missing).
test-report:
	bash Tests/report/run.sh

# ---- The CLI and the demo ------------------------------------------------
# dist/bin/givetake (the SwiftPM product is givetake-cli: "givetake" is the
# library) and dist/lib/libgivetake_sqlite.so, both without a Swift runtime
# dependency; same flags and scratch path as Tests/cli/run.sh.
CLIFLAGS := $(RELEASEFLAGS) --scratch-path .build-cli --traits CLI
cli:
	$(SWIFT) build $(CLIFLAGS) --product givetake-cli
	$(SWIFT) build $(CLIFLAGS) --product givetake_sqlite
	mkdir -p $(DIST)/bin $(DIST)/lib
	cp .build-cli/release/givetake-cli $(DIST)/bin/givetake
	cp .build-cli/release/libgivetake_sqlite.so $(DIST)/lib/libgivetake_sqlite.so

demo: deps cli
	$(DIST)/bin/givetake demo --db demo.sqlite
	$(DIST)/bin/givetake report demo.sqlite --out $(CURDIR)/demo-report.html

# ---- Benchmarks (never part of the tests) ---------------------------------
bench: lib
	$(MAKE) -C bench bench ROWS=$(or $(ROWS),1000000)

bench-scale: lib
	$(MAKE) -C bench bench-scale

clean:
	rm -rf .build .build-lib .build-cli .build-py python/build dist demo.sqlite demo-report.html

# ---- The built-in lexicon (not part of `make test`) -----------------------
# Fits the cue weights on data/classifier (docs/classifier.md) and writes
# data/classifier/lexicon.tsv and Sources/GiveTakeCore/Lexicon/DefaultLexicon.swift.
# Features are extracted by libgivetake itself; numpy/scipy live in a venv
# under .build-lexicon, never at run time.
LEXICON_VENV := .build-lexicon/venv
lexicon: lib
	test -x $(LEXICON_VENV)/bin/python || python3 -m venv $(LEXICON_VENV)
	$(LEXICON_VENV)/bin/python -c 'import numpy, scipy' 2>/dev/null || \
	  $(LEXICON_VENV)/bin/pip install -q 'numpy>=1.24' 'scipy>=1.10'
	$(LEXICON_VENV)/bin/python tools/classifier/train.py
	$(LEXICON_VENV)/bin/python tools/classifier/evaluate.py --lexicon data/classifier/lexicon.tsv --split test
	$(MAKE) lib

# ---- Reliability suite (docs/reliability.md) -----------------------------
# libFuzzer targets (Tests/fuzz): `make fuzz SECONDS=N` runs each N seconds;
# `make test` runs each for FUZZ_TEST_SECONDS.
SECONDS ?= 60
FUZZ_TEST_SECONDS ?= 20
fuzz-build:
	bash Tests/fuzz/build.sh
fuzz: fuzz-build
	bash Tests/fuzz/run.sh $(SECONDS)
test-fuzz: fuzz-build
	bash Tests/fuzz/run.sh $(FUZZ_TEST_SECONDS)
# Sanitizers: the library under ASan with the C, Python and Swift tests.
test-asan:
	bash Tests/asan/run.sh
# PostgreSQL under stress, each in a throwaway cluster on a private copy of
# the server tree (slow; not part of `make test`).
test-valgrind: lib
	bash postgres/test/valgrind.sh
test-sqlsmith: lib
	bash postgres/test/sqlsmith.sh
test-load: lib
	bash postgres/test/load.sh
