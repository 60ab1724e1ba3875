# Makefile - the front door. Every target first makes sure the Debian packages are there.
#
#   make          release build at build/zhijian, and the web app at web/dist (npm ci, ECharts)
#   make demo     generate a small synthetic province, import, link, detect, show the leads,
#                 then serve the web app on it (DEMO_SERVE=0 skips serving)
#   make test     sanitizer build (ASan+UBSan), every test, short fuzz runs; last line "N passed, N failed"
#   make bench    benchmarks against SQLite and DuckDB; see docs/benchmarks.md
#   make fuzz     longer libFuzzer runs (FUZZ_SECONDS each, default 60)
#   make valgrind unit and integration tests under valgrind (no sanitizers), leaks are errors

MESON ?= meson
FUZZ_SECONDS ?= 60

.PHONY: all deps build web demo test bench fuzz valgrind clean

all: build

deps:
	@bash scripts/install-deps.sh

build/build.ninja: | deps
	$(MESON) setup build --buildtype=release -Db_ndebug=false >/dev/null

build: deps build/build.ninja
	ninja -C build
	bash scripts/build-web.sh

web: deps
	bash scripts/build-web.sh

build-asan/build.ninja: | deps
	$(MESON) setup build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

build-fuzz/build.ninja: | deps
	CC=clang $(MESON) setup build-fuzz --buildtype=debugoptimized -Dfuzz=true \
	  -Db_sanitize=address,undefined -Db_lundef=false >/dev/null

demo: build
	bash scripts/demo.sh

test: deps build/build.ninja build-asan/build.ninja build-fuzz/build.ninja
	@bash scripts/test.sh

bench: build
	bash bench/run.sh

fuzz: deps build-fuzz/build.ninja
	ninja -C build-fuzz
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash tests/fuzz/run.sh build-fuzz

build-vg/build.ninja: | deps
	$(MESON) setup build-vg --buildtype=debugoptimized >/dev/null

valgrind: build-vg/build.ninja
	ninja -C build-vg
	meson test -C build-vg --print-errorlogs --timeout-multiplier 10 \
	  --wrap='valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=1 -q'

clean:
	rm -rf build build-asan build-fuzz build-vg web/dist
