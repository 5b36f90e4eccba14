# GiveTake build, test and install. `make test` is what CI runs.
PREFIX ?= /usr/local
SWIFT ?= swift
DIST := $(CURDIR)/dist
# A separate scratch path: -static-stdlib changes every object file.
LIBFLAGS := -c release -Xswiftc -static-stdlib --scratch-path .build-lib

.PHONY: all lib test clean install

all: lib

# dist/lib/libgivetake.so (self-contained: no libswift* at run time),
# dist/lib/libgivetake.a, dist/include/givetake.h, dist/lib/pkgconfig/givetake.pc
lib:
	$(SWIFT) build $(LIBFLAGS) --product givetake
	mkdir -p $(DIST)/lib $(DIST)/include
	cp .build-lib/release/libgivetake.so $(DIST)/lib/libgivetake.so
	cp include/givetake.h $(DIST)/include/givetake.h

clean:
	rm -rf .build .build-lib dist
