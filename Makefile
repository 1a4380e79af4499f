# Huiju — build, run and test. `make run` and `make test` install what is missing.
VERSION := 0.1.0
CC ?= cc
CPPFLAGS := -D_GNU_SOURCE -DHUIJU_VERSION='"$(VERSION)"' -Isrc -Ibuild -I/usr/include/postgresql
CFLAGS := -std=c17 -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wvla -O2 -g
LDLIBS := -lmicrohttpd -lsqlite3 -lpq -ljansson -lsodium -lcsv -lxlsxwriter -lm -lpthread
ASAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRC := $(wildcard src/*.c src/*/*.c)
HDR := $(wildcard src/*.h src/*/*.h)
OBJ := $(patsubst src/%.c,build/obj/%.o,$(SRC)) build/obj/embedded.o
AOBJ := $(patsubst src/%.c,build/asan/%.o,$(SRC)) build/asan/embedded.o
LIBOBJ := $(filter-out build/obj/main.o,$(OBJ))
ALIBOBJ := $(filter-out build/asan/main.o,$(AOBJ))
ASSETS := $(wildcard assets/*)
DATA := data/xinjiang-divisions.csv data/plan-targets.csv data/indicators.csv
UNIT := $(patsubst tests/unit/%.c,build/%,$(wildcard tests/unit/test_*.c))

.PHONY: all deps test-deps run test unit http-sqlite http-pg browser asan-http bench clean fmt po
all: deps build/huiju

deps:
	@scripts/deps.sh build
test-deps:
	@scripts/deps.sh test

# Linked beside and renamed, so that a running server or test keeps its binary.
build/huiju: $(OBJ)
	$(CC) $(CFLAGS) -o $@.$$$$ $(OBJ) $(LDLIBS) && mv -f $@.$$$$ $@

build/huiju-asan: $(AOBJ)
	$(CC) $(CFLAGS) $(ASAN) -o $@.$$$$ $(AOBJ) $(LDLIBS) && mv -f $@.$$$$ $@

build/obj/%.o: src/%.c $(HDR) build/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

build/asan/%.o: src/%.c $(HDR) build/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(ASAN) -c -o $@ $<

build/obj/embedded.o: build/embedded.c
	$(CC) $(CPPFLAGS) -std=c17 -O0 -c -o $@ $<
build/asan/embedded.o: build/embedded.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c17 -O0 -c -o $@ $<

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -std=c17 -Wall -Wextra -Werror -O2 -o $@ $<

build/po/zh_CN.mo: po/zh_CN.po
	@mkdir -p build/po
	msgfmt --check -o $@ $<

# Each asset is also embedded gzip-compressed, for clients that accept it.
GZ := $(patsubst assets/%,build/gz/%.gz,$(ASSETS))
build/gz/%.gz: assets/%
	@mkdir -p build/gz
	gzip -9 -n -c $< > $@

build/embedded.c: build/embed build/po/zh_CN.mo $(ASSETS) $(GZ) $(DATA) Makefile
	build/embed $@ $(foreach f,$(ASSETS),$(f)=$(f)) \
	  $(foreach f,$(ASSETS),$(f).gz=build/gz/$(notdir $(f)).gz) \
	  po/zh_CN.mo=build/po/zh_CN.mo $(foreach f,$(DATA),$(f)=$(f))

# Unit tests (cmocka): each tests/unit/test_X.c links the whole program but main.c.
build/test_%: tests/unit/test_%.c $(ALIBOBJ)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(ASAN) -o $@.$$$$ $< $(ALIBOBJ) $(LDLIBS) -lcmocka && mv -f $@.$$$$ $@

run: all
	@test -e huiju.db || build/huiju demo --db huiju.db >/dev/null
	@echo "Huiju: http://127.0.0.1:8080/  (Ctrl-C stops it)"
	@build/huiju demo-logins
	build/huiju serve --db huiju.db --listen 127.0.0.1:8080

unit: $(UNIT)
	@for t in $(UNIT); do echo "== $$t"; $$t || exit 1; done

http-sqlite: build/huiju
	HUIJU_BIN=build/huiju tests/run-http.sh sqlite

http-pg: build/huiju
	HUIJU_BIN=build/huiju tests/run-http.sh pg

asan-http: build/huiju-asan
	HUIJU_BIN=build/huiju-asan tests/run-http.sh sqlite

browser: build/huiju
	HUIJU_BIN=build/huiju tests/run-browser.sh

# Everything: unit tests (both databases), HTTP suite on SQLite, PostgreSQL and the
# sanitizer build, browser tests. See tests/run-all.sh.
test: test-deps all build/huiju-asan $(UNIT)
	tests/run-all.sh

bench: all
	bench/run.sh

fmt:
	clang-format -i $(SRC) $(HDR) tests/unit/*.c tools/*.c

# Messages reach T() directly or through i18n_get() and a few local macros; strings
# in tables carry a "#." comment in huiju.pot and are kept there by --join-existing.
po:
	xgettext --from-code=UTF-8 --add-comments --join-existing --keyword=T:2 \
	  --keyword=i18n_get:2 --keyword=REFUSE:1 --keyword=BAD:2 -o po/huiju.pot $(SRC)
	msgmerge --update --backup=none po/zh_CN.po po/huiju.pot

clean:
	rm -rf build
