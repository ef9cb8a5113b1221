#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (the ctest fixture `postgres`).
#
#   tests/support/postgres.sh start DIR   # initdb into DIR/data, start it, write DIR/url
#   tests/support/postgres.sh stop DIR    # stop it (discarding its data) and remove DIR
#
# DIR/url holds postgresql://<user>@127.0.0.1:<port>/postgres (trust authentication, listening
# on 127.0.0.1 only, unix socket inside DIR). PostgreSQL refuses to run as root, so as root the
# server runs as `nobody`.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
command=$1
dir=$2
[[ $dir == /* ]] || dir="$PWD/$dir"

bindir=""
find_bindir() {
  local candidate
  candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n $candidate && -x $candidate/initdb ]]; then
    bindir=$candidate
  elif command -v pg_config >/dev/null && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    bindir=$(pg_config --bindir)
  elif command -v initdb >/dev/null; then
    bindir=$(dirname "$(command -v initdb)")
  else
    echo "postgres.sh: no PostgreSQL server binaries (initdb, pg_ctl) found; run scripts/install-deps.sh" >&2
    exit 1
  fi
}

# Runs a command as the server's user.
as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups -- env HOME="$dir" "$@"
  else
    "$@"
  fi
}

server_user() {
  if [[ $(id -u) -eq 0 ]]; then echo nobody; else id -un; fi
}

# Immediate mode: the data is thrown away, and a clean (fast) shutdown's checkpoint would
# fsync every file of every test database (~45 s for 40 databases).
stop_server() {
  if [[ -f $dir/data/postmaster.pid ]]; then
    as_server "$bindir/pg_ctl" -D "$dir/data" stop -m immediate -w -t 60 >/dev/null 2>&1 || true
  fi
}

free_port() {
  python3 - <<'EOF'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
EOF
}

start() {
  stop_server  # a leftover server from an interrupted run
  rm -rf "$dir"
  mkdir -p "$dir"
  local user
  user=$(server_user)
  if [[ $(id -u) -eq 0 ]]; then
    chown "$user" "$dir"
    # The server user must reach DIR through its parents.
    local parent=$dir
    while [[ $parent != / ]]; do
      parent=$(dirname "$parent")
      if ! setpriv --reuid=nobody --regid="$(id -gn nobody)" --clear-groups -- test -x "$parent"; then
        echo "postgres.sh: $parent is not searchable by nobody; the server cannot reach $dir" >&2
        exit 1
      fi
    done
  fi
  mkdir -p "$dir/sock"
  [[ $(id -u) -eq 0 ]] && chown "$user" "$dir/sock"
  as_server "$bindir/initdb" -D "$dir/data" -U "$user" --auth=trust --no-sync --encoding=UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    exit 1
  }
  local attempt port
  for attempt in 1 2 3 4 5; do
    port=$(free_port)
    if as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir/sock -c listen_addresses=127.0.0.1 -c max_connections=300" start >/dev/null; then
      echo "postgresql://$user@127.0.0.1:$port/postgres" >"$dir/url"
      echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($dir)"
      return 0
    fi
    echo "postgres.sh: start on port $port failed (attempt $attempt):" >&2
    tail -n 5 "$dir/server.log" >&2 || true
  done
  exit 1
}

find_bindir
case $command in
  start) start ;;
  stop)
    stop_server
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
