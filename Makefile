# Advocate — the two commands first: `make run` and `make test`.
# Everything else is here so that a fresh Debian 12 machine needs nothing but make.

BUILD      ?= build
BUILD_SAN  ?= build-asan
DB         ?= advocate.db
LISTEN     ?= 127.0.0.1:8080

.PHONY: run test build ui setup bench clean format

run: setup build
	./$(BUILD)/advocate serve --demo --db $(DB) --listen $(LISTEN)

test:
	@scripts/test.sh

build: ui
	@[ -d $(BUILD) ] || meson setup $(BUILD) --buildtype=debugoptimized >/dev/null
	@ninja -C $(BUILD) -j2 --quiet
	@test -x $(BUILD)/advocate

ui:
	@cd web && npm run --silent build >/dev/null

setup:
	@scripts/setup.sh

bench: build
	@scripts/setup.sh --bench
	@bench/run.sh $(BUILD)/advocate
	@bench/portfolio.sh $(BUILD)/bench/portfolio
	@bench/analytics.sh $(BUILD)/bench
	@bench/responses_import.sh $(BUILD)/advocate $(BUILD)/bench
	@bench/sse.sh $(BUILD)/bench/sse

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(BUILD_SAN) web/dist
