#!/usr/bin/env bash
# Installs the Debian packages the devstack and the tests run (PostgreSQL, MariaDB, kcat, curl,
# the AWS CLI, Node.js and npm, Chromium for the web console's browser tests) when some are
# missing: with apt-get when run as root, otherwise it prints
# the apt-get command to run. Quiet and quick when everything is there.
set -euo pipefail

have() { command -v "$1" >/dev/null 2>&1; }

missing=()
if ! have initdb && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
	missing+=(postgresql)
fi
if ! { have mariadbd || [ -x /usr/sbin/mariadbd ]; } || ! have mariadb-install-db; then
	missing+=(mariadb-server)
fi
have kcat || missing+=(kcat)
have curl || missing+=(curl)
# A shim (pyenv's, say) can exist without a working CLI behind it: ask it for its version.
aws --version >/dev/null 2>&1 || missing+=(awscli)
have node || missing+=(nodejs)
have npm || missing+=(npm)
{ have chromium || have chromium-browser; } || missing+=(chromium)

if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "missing Debian packages: ${missing[*]}" >&2
	echo "install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 0
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
