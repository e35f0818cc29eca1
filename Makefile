# connectless: the front door. `make` lists the targets.

SHELL     := bash
GO        ?= go
BIN       := bin
TEST_TIMEOUT ?= 20m
# Tools pinned by the tool lines of tools/go.mod (a module of their own, so that a program
# depending on the SDK does not inherit their module graph), built into bin/.
TOOLS     = $(shell cd tools && $(GO) list tool)
# Version and commit shown by `connectless version` and GET / (Kafka Connect's "version" and "commit").
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
COMMIT    ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -X main.version=$(VERSION) -X github.com/connectless/connectless/core/rest.buildVersion=$(VERSION) \
	-X github.com/connectless/connectless/core/rest.buildCommit=$(COMMIT)

.DEFAULT_GOAL := help
.PHONY: help deps build test lint demo functions validate

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  make %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: node_modules/.package-lock.json ## install what tests and the demo run: Go tools into bin/, dynalite via npm ci, Debian packages
	@bash infra/devstack/apt-deps.sh
	@mkdir -p $(BIN)
	cd tools && $(GO) build -o ../$(BIN)/ $(TOOLS)
	$(GO) build -o $(BIN)/ ./infra/devstack/cmd/kfake
	$(GO) build -tags lambda.norpc -o $(BIN)/echo-bootstrap ./infra/devstack/internal/echobootstrap

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: ## build every package and the connectless binary
	$(GO) build ./...
	$(GO) build -ldflags '$(LDFLAGS)' -o connectless ./cli

test: deps ## run every test against real local services (CI=true: a missing service fails)
	$(BIN)/gotestsum --format testname --format-icons text -- -count=1 -p 2 -timeout $(TEST_TIMEOUT) ./...

lint: $(BIN)/staticcheck ## gofmt must list nothing; go vet; staticcheck; the import-boundary test (infra/boundaries)
	@out="$$(gofmt -l .)"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(BIN)/staticcheck ./...
	$(GO) test -count=1 ./infra/boundaries/

$(BIN)/staticcheck: tools/go.mod tools/go.sum
	@mkdir -p $(BIN)
	cd tools && $(GO) build -o ../$(BIN)/ honnef.co/go/tools/cmd/staticcheck

# Lambda functions for provided.al2023: GOOS=linux, CGO_ENABLED=0, -tags lambda.norpc, one
# static `bootstrap` each. The architecture is arm64 unless GOARCH=amd64 is given on the make
# command line or LAMBDA_ARCHITECTURE=x86_64 (Lambda's name, as template.yaml's Architecture
# parameter) is set: sam build runs make with the environment and passes it no architecture.
FUNCTIONS     := rest scheduler task icebergtask
FUNCTIONS_DIR := dist/functions
LAMBDA_ARCHITECTURE ?= arm64
FUNC_GOARCH    = $(if $(filter command line,$(origin GOARCH)),$(GOARCH),$(or \
	$(if $(filter arm64,$(LAMBDA_ARCHITECTURE)),arm64),$(if $(filter x86_64,$(LAMBDA_ARCHITECTURE)),amd64),\
	$(error LAMBDA_ARCHITECTURE=$(LAMBDA_ARCHITECTURE): want arm64 or x86_64)))
FUNC_BUILD    := CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags '-s -w $(LDFLAGS)'

functions: ## build the Lambda bootstrap zips for provided.al2023 into dist/functions (arm64; GOARCH=amd64 for x86)
	@mkdir -p $(FUNCTIONS_DIR)
	@for f in $(FUNCTIONS); do \
		echo "functions: $$f ($(FUNC_GOARCH))"; \
		GOOS=linux GOARCH=$(FUNC_GOARCH) $(FUNC_BUILD) -o $(FUNCTIONS_DIR)/$$f/bootstrap ./functions/$$f || exit 1; \
		GOOS= GOARCH= $(GO) run ./functions/internal/zipfn $(FUNCTIONS_DIR)/$$f.zip $(FUNCTIONS_DIR)/$$f/bootstrap || exit 1; \
	done

# sam build (Metadata: BuildMethod: makefile in template.yaml): SAM runs build-<LogicalId> with
# ARTIFACTS_DIR set to the function's build folder; the bootstrap written there is the code.
.PHONY: build-RestFunction build-SchedulerFunction build-TaskFunction build-IcebergTaskFunction
build-RestFunction:
	$(call sam-bootstrap,rest)
build-SchedulerFunction:
	$(call sam-bootstrap,scheduler)
build-TaskFunction:
	$(call sam-bootstrap,task)
build-IcebergTaskFunction:
	$(call sam-bootstrap,icebergtask)

define sam-bootstrap
@test -n "$(ARTIFACTS_DIR)" || { echo "$@: ARTIFACTS_DIR is not set (sam build sets it; by hand: make $@ ARTIFACTS_DIR=DIR)" >&2; exit 2; }
@echo "$@: ./functions/$(1) (linux/$(FUNC_GOARCH)) -> $(ARTIFACTS_DIR)/bootstrap"
@mkdir -p "$(ARTIFACTS_DIR)"
@GOOS=linux GOARCH=$(FUNC_GOARCH) $(FUNC_BUILD) -o "$(ARTIFACTS_DIR)/bootstrap" ./functions/$(1)
endef

validate: ## check template.yaml: properties decoded strictly, every !Ref/!GetAtt resolved, IAM names only its own resources
	$(GO) test -count=1 -run 'TestTemplate' ./functions/template/

demo: deps ## archive 100,000 app logs to a local S3 store on a schedule and restore an hour: no cloud account needed
	@$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/connectless ./cli
	@$(BIN)/connectless demo

.PHONY: demo-iceberg
demo-iceberg: deps ## archive 100,000 app logs into an Apache Iceberg table (sql catalog on a throwaway PostgreSQL, warehouse in a local S3 store) and count it by hour and level
	@$(GO) run ./cli demo --iceberg

.PHONY: demo-cdc
demo-cdc: deps ## replicate a PostgreSQL table into MariaDB through Kafka with the Debezium-compatible CDC source, all on this machine
	@$(GO) run ./examples/cdc-demo

.PHONY: bench bench-quick
BENCH_FLAGS ?=
bench: deps ## archive 2,000,000 log lines to local S3 beside plain-loop ceilings (JSON and ByteArray formats; none, gzip, zstd), an Avro -> Parquet row, memory, overhead, fan-out, cost per TB, tasks.max scaling and a file -> Kafka source row; JSON in bench.json
	@$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/connectless ./cli
	@CGO_ENABLED=0 $(GO) build -tags lambda.norpc -o $(BIN)/task-bootstrap ./functions/task
	@CGO_ENABLED=0 $(GO) build -tags lambda.norpc -o $(BIN)/icebergtask-bootstrap ./functions/icebergtask
	@$(BIN)/connectless bench --task-bootstrap $(BIN)/task-bootstrap --iceberg-task-bootstrap $(BIN)/icebergtask-bootstrap --json bench.json $(BENCH_FLAGS)

bench-quick: deps ## make bench on 40,000 records (under a minute); JSON in bench-quick.json
	@$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/connectless ./cli
	@CGO_ENABLED=0 $(GO) build -tags lambda.norpc -o $(BIN)/task-bootstrap ./functions/task
	@CGO_ENABLED=0 $(GO) build -tags lambda.norpc -o $(BIN)/icebergtask-bootstrap ./functions/icebergtask
	@$(BIN)/connectless bench --records 40000 --memory-records 10000 --task-bootstrap $(BIN)/task-bootstrap --iceberg-task-bootstrap $(BIN)/icebergtask-bootstrap --json bench-quick.json $(BENCH_FLAGS)
