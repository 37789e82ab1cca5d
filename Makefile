# The two commands of the README:
#   make samples   install what is missing, build a release binary, analyse the bundled samples
#   make test      install what is missing, build and run the tests
# Everything else here serves those two (and the benchmark).

APT_PACKAGES := pkg-config libpcre2-dev libmaxminddb-dev libsqlite3-dev zlib1g-dev libpq-dev
TEST_PACKAGES := libmaxmind-db-writer-perl postgresql
SG := .build/release/sessionguard
SAMPLE_LOGS := Samples/logs/odoo.log.2.gz Samples/logs/odoo.log.1 Samples/logs/odoo.log

.PHONY: samples test deps test-deps release bench docs clean

samples: deps release
	@mkdir -p out
	@rm -f out/sessionguard.sqlite out/sessionguard.sqlite-journal  # a fresh store each time: the output below
	$(SG) analyze --config Samples/sessionguard.yml --now 2025-03-15T00:00:00Z \
		--store sqlite:out/sessionguard.sqlite --report out $(SAMPLE_LOGS)

test: deps test-deps
	swift build
	swift test
	SESSIONGUARD_TEST_STORE=postgres scripts/with-postgres swift test
	.build/debug/sessionguard rules test --config Samples/sessionguard.yml

release:
	swift build -c release

bench: deps release
	bench/run.sh

# The man page and shell completions, generated from the argument definitions (committed; a test
# checks that the completions still match the commands).
docs: deps
	swift build
	swift package --allow-writing-to-package-directory generate-manual
	cp .build/plugins/GenerateManual/outputs/sessionguard/sessionguard.1 docs/man/
	for sh in bash zsh fish; do .build/debug/sessionguard --generate-completion-script $$sh > docs/completions/sessionguard.$$sh; done

# Installs the Debian packages that are missing (as root, or through sudo).
deps:
	@./scripts/apt-install $(APT_PACKAGES)

test-deps:
	@./scripts/apt-install $(TEST_PACKAGES)

clean:
	rm -rf out .build
