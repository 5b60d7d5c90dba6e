# PortDoc: `make docs` builds Output/ from the committed inputs; `make test` runs every check.
SWIFT ?= swift
# Debian packages the build and the tests need: libxml2 headers, the XHTML DTD (XML catalog),
# mandoc and groff for man-page linting, gettext for msgfmt --check, cmark-gfm to read generated
# Markdown back in the tests, pkg-config for SwiftPM, graphviz (dot) to lay out the network diagram,
# libxml2-utils (xmllint, a second opinion on the SVG in the tests), and for the test that every
# diagram label fits its box: Debian's Python with Pillow and the fonts a reader's browser uses for
# the diagram's Helvetica (Liberation Sans), Japanese (IPAGothic) and Arabic (DejaVu Sans);
# librsvg2-bin renders the diagram previews (make diagrams); libcurl4-openssl-dev links
# portdoc-serve statically (FlyingFox brings Foundation's networking, which uses libcurl);
# zlib1g-dev and liblzma-dev ship the archives of libxml2's zlib and liblzma, which the release
# programs link statically (libxml2-dev brings libicu-dev, ICU's archives, itself).
APT_PACKAGES := libxml2-dev libyaml-dev w3c-sgml-lib mandoc groff-base gettext cmark-gfm pkg-config graphviz libxml2-utils \
	python3 python3-pil fonts-liberation2 fonts-ipafont-gothic fonts-dejavu-core librsvg2-bin libcurl4-openssl-dev \
	zlib1g-dev liblzma-dev
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps bench-deps browser-deps browser-test screenshots build docs test bench check validate clean diagrams man1 install install-files uninstall

deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The release programs link the Swift runtime and Foundation statically: portdoc --version took
# 8.0 ms linked dynamically and 4.6 ms statically here (/bin/true: 0.8 ms), a no-op build 15.7 and
# 8.9 ms. Both programs use the same flags, so that building one does not rebuild the other.
STATIC := --static-swift-stdlib

# They also link libxml2 and libyaml, with libxml2's ICU, zlib and liblzma, from the static
# archives the -dev packages ship: loading those six shared objects cost the seed's no-op build
# 12.4 -> 10.8 ms and 13.5 -> 10.5 ms (medians, two sets of 200 interleaved runs), for a program
# 33 MB larger (ICU's data). SwiftPM takes a system library's flags from pkg-config, without
# --static, so the release builds read .pc files from $(STATIC_PC): the system's flags, with a
# library folder holding only the archives. A plain `swift build` links the shared libraries.
STATIC_PC := $(CURDIR)/.build/static-pc
RELEASE := PKG_CONFIG_PATH=$(STATIC_PC) $(SWIFT) build -c release $(STATIC)

$(STATIC_PC): Makefile | deps
	@set -e; rm -rf $@; mkdir -p $@/lib; \
	for pc in libxml-2.0 yaml-0.1; do \
	  dirs="$$(pkg-config --libs-only-L --static $$pc | sed 's/-L//g') $$(pkg-config --variable=libdir $$pc)"; libs=""; \
	  for l in $$(pkg-config --libs-only-l --static $$pc | sed 's/-l//g'); do \
	    case $$l in m|dl|pthread|rt|c) libs="$$libs -l$$l"; continue;; esac; \
	    a=$$(for d in $$dirs; do if test -f $$d/lib$$l.a; then echo $$d/lib$$l.a; break; fi; done); \
	    test -n "$$a" || { echo "make: lib$$l.a, which $$pc needs, is not in '$$(echo $$dirs)' (its -dev package ships it)" >&2; exit 1; }; \
	    ln -sf $$a $@/lib/; libs="$$libs -l$$l"; \
	  done; \
	  printf 'Name: %s\nDescription: %s from its static archives (make build)\nVersion: %s\nLibs: -L%s%s\nCflags: %s\n' \
	    $$pc $$pc "$$(pkg-config --modversion $$pc)" $@/lib "$$libs" "$$(pkg-config --cflags $$pc)" > $@/$$pc.pc; \
	done

# Stops the build when a release program still needs libxml2 or libyaml as a shared library.
CHECK_STATIC = @! readelf -d $(1) | grep -E 'NEEDED.*lib(xml2|yaml)' || { echo "make: $(1) still loads the libraries above; they were meant to be linked from $(STATIC_PC)" >&2; exit 1; }

build: deps $(STATIC_PC)
	$(RELEASE) --product portdoc
	$(RELEASE) --product portdoc-serve
	$(call CHECK_STATIC,.build/release/portdoc)
	$(call CHECK_STATIC,.build/release/portdoc-serve)

docs: build
	.build/release/portdoc build

test: deps
	$(SWIFT) test
	$(SWIFT) run portdoc build --check
	$(SWIFT) run portdoc check
	$(SWIFT) run portdoc validate Output
	$(MAKE) --no-print-directory browser-test

# The site in a real browser: Debian's chromium, driven by Playwright from PyPI (no browser
# download) in a virtual environment under .build. Skipped, with a message saying so, only when
# chromium cannot be installed.
PYTHON ?= python3
BROWSER_VENV := .build/browser-venv
PLAYWRIGHT := playwright==1.65.2

browser-deps:
	@command -v chromium >/dev/null || { echo "make browser-deps: installing chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium \
	  || echo "make browser-deps: chromium could not be installed"; }
	@$(BROWSER_VENV)/bin/python -c "import playwright" 2>/dev/null || { echo "make browser-deps: installing $(PLAYWRIGHT) in $(BROWSER_VENV)"; \
	  rm -rf $(BROWSER_VENV); $(PYTHON) -m venv $(BROWSER_VENV) || { $(SUDO) apt-get install -y -qq python3-venv && rm -rf $(BROWSER_VENV) && $(PYTHON) -m venv $(BROWSER_VENV); }; \
	  $(BROWSER_VENV)/bin/pip install -q --disable-pip-version-check "$(PLAYWRIGHT)"; }

browser-test: browser-deps
	@$(SWIFT) build --product portdoc && $(SWIFT) build --product portdoc-serve
	@if [ -x /usr/bin/chromium ]; then $(BROWSER_VENV)/bin/python Tests/Browser/site_test.py --portdoc .build/debug/portdoc; \
	else echo "SKIPPED: browser tests: Debian's chromium could not be installed, so no page was opened in a browser"; fi

# PNGs of the pages for the README: the English page at desktop and phone width, the Arabic
# (right-to-left) and Japanese fixture pages.
screenshots: docs browser-deps
	$(BROWSER_VENV)/bin/python Tests/Browser/site_test.py --portdoc .build/release/portdoc --screenshots Templates/xhtml/preview

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
bench: bench-deps $(STATIC_PC)
	$(RELEASE) --product portdoc
	$(call CHECK_STATIC,.build/release/portdoc)
	python3 Tests/Benchmarks/bench.py

# PNG previews of the network diagram, one per locale, for the README (rendered from Output/).
diagrams: docs
	@mkdir -p Templates/diagram/preview
	@for svg in Output/html/*/diagram.svg; do \
	  locale=$$(basename $$(dirname $$svg)); \
	  rsvg-convert --background-color=white -o Templates/diagram/preview/diagram-$$locale.png $$svg && echo "wrote Templates/diagram/preview/diagram-$$locale.png"; \
	done

# portdoc(1), the tool's own man page, from its command definitions (committed; a test checks
# that it equals what the generator writes).
man1: build
	.build/release/portdoc manual > Sources/portdoc/portdoc.1

# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary, portdoc(1), shell completions for
# bash, zsh and fish, and the port documents' man pages from Output/man, where man and the
# shells find them. The list of installed files is kept, so that make uninstall removes exactly
# those.
PREFIX ?= /usr/local
BIN ?= .build/release/portdoc
MANIFEST = $(DESTDIR)$(PREFIX)/share/portdoc/installed-files

install: build install-files

install-files:
	@set -e; root="$(DESTDIR)$(PREFIX)"; list=""; \
	put() { install -D -m "$$1" "$$2" "$$root/$$3"; list="$$list$(PREFIX)/$$3\n"; }; \
	put 755 "$(BIN)" bin/portdoc; \
	put 755 "$(dir $(BIN))portdoc-serve" bin/portdoc-serve; \
	put 644 Sources/portdoc/portdoc.1 share/man/man1/portdoc.1; \
	tmp=$$(mktemp -d); \
	"$(BIN)" --generate-completion-script bash > "$$tmp/portdoc.bash"; put 644 "$$tmp/portdoc.bash" share/bash-completion/completions/portdoc; \
	"$(BIN)" --generate-completion-script zsh > "$$tmp/_portdoc"; put 644 "$$tmp/_portdoc" share/zsh/site-functions/_portdoc; \
	"$(BIN)" --generate-completion-script fish > "$$tmp/portdoc.fish"; put 644 "$$tmp/portdoc.fish" share/fish/vendor_completions.d/portdoc.fish; \
	rm -rf "$$tmp"; \
	for page in $$(cd Output/man && find . -type f -name '*.[1-9]' | sort); do put 644 "Output/man/$$page" "share/man/$${page#./}"; done; \
	mkdir -p "$$(dirname "$(MANIFEST)")"; printf "$$list" > "$(MANIFEST)"; \
	echo "make install: $$(printf "$$list" | wc -l) files under $$root (list in $(PREFIX)/share/portdoc/installed-files)"

uninstall:
	@set -e; root="$(DESTDIR)"; test -f "$(MANIFEST)" || { echo "make uninstall: nothing installed under $(DESTDIR)$(PREFIX)"; exit 0; }; \
	while read -r f; do rm -f "$$root$$f"; done < "$(MANIFEST)"; rm -f "$(MANIFEST)"; \
	rmdir "$$(dirname "$(MANIFEST)")" 2>/dev/null || true; echo "make uninstall: removed the files listed in $(PREFIX)/share/portdoc/installed-files"

clean:
	rm -rf .build
