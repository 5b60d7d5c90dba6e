# PortDoc: `make docs` builds Output/ from the committed inputs; `make test` runs every check.
SWIFT ?= swift
# Debian packages the build and the tests need: libxml2 headers, the XHTML DTD (XML catalog),
# mandoc and groff for man-page linting, gettext for msgfmt --check, cmark-gfm to read generated
# Markdown back in the tests, pkg-config for SwiftPM, graphviz (dot) to lay out the network diagram,
# libxml2-utils (xmllint, a second opinion on the SVG in the tests), and for the test that every
# diagram label fits its box: Debian's Python with Pillow and the fonts a reader's browser uses for
# the diagram's Helvetica (Liberation Sans), Japanese (IPAGothic) and Arabic (DejaVu Sans);
# librsvg2-bin renders the diagram previews (make diagrams).
APT_PACKAGES := libxml2-dev w3c-sgml-lib mandoc groff-base gettext cmark-gfm pkg-config graphviz libxml2-utils \
	python3 python3-pil fonts-liberation2 fonts-ipafont-gothic fonts-dejavu-core librsvg2-bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps bench-deps build docs test bench check validate clean diagrams

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product portdoc

docs: build
	.build/release/portdoc build

test: deps
	$(SWIFT) test
	$(SWIFT) run portdoc build --check
	$(SWIFT) run portdoc check
	$(SWIFT) run portdoc validate Output

# Peers for `make bench` (Debian packages): Hugo, pandoc, xmllint, and Python 3 for the driver.
# Installing libxml2-utils also moves libxml2 to a newer Debian revision; the build does not care.
BENCH_PACKAGES := hugo pandoc libxml2-utils python3

bench-deps: deps
	@missing=""; for p in $(BENCH_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make bench-deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Side-by-side benchmark against Hugo, pandoc and xmllint; writes BENCHMARKS.md.
bench: bench-deps
	$(SWIFT) build -c release --product portdoc
	python3 Tests/Benchmarks/bench.py

# PNG previews of the network diagram, one per locale, for the README (rendered from Output/).
diagrams: docs
	@mkdir -p Templates/diagram/preview
	@for svg in Output/html/*/diagram.svg; do \
	  locale=$$(basename $$(dirname $$svg)); \
	  rsvg-convert --background-color=white -o Templates/diagram/preview/diagram-$$locale.png $$svg && echo "wrote Templates/diagram/preview/diagram-$$locale.png"; \
	done

clean:
	rm -rf .build
