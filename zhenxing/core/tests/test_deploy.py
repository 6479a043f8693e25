"""The files of deploy/: the systemd units, the environment file, the nginx site and the cron table
are read as the machine reads them and checked against the project (commands, settings, ports)."""

from __future__ import annotations

import configparser
import os
import re
import secrets
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import get_commands, load_command_class

from zhenxing.core.management.commands.serve import GUNICORN_TIMEOUT

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
PRODUCTION = ROOT / "zhenxing" / "settings" / "production.py"
ZHENXING = "/opt/zhenxing/bin/zhenxing"  # the console script of the install's virtual environment
ENV_FILE = "/etc/zhenxing/zhenxing.env"
UNITS = {"zhenxing-web.service": "serve", "zhenxing-worker.service": "worker"}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True, delimiters=("=",), comment_prefixes=("#", ";"))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"))
    return parser


def env_example() -> dict[str, str]:
    """NAME=value lines as systemd's EnvironmentFile= reads them (comments on lines of their own)."""
    values = {}
    for line in (DEPLOY / "zhenxing.env.example").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";")):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def assert_runs_a_real_command(argv: list[str]) -> str:
    """``argv`` is the installed ``zhenxing`` with a project command whose parser accepts the options."""
    assert argv[0] == ZHENXING
    name = argv[1].replace("-", "_")  # the shell spelling, as zhenxing.cli maps it
    commands = get_commands()
    assert name in commands, f"没有命令 {argv[1]}"
    command = load_command_class(commands[name], name)
    command.create_parser("zhenxing", name).parse_args(argv[2:])  # SystemExit on an unknown option
    return name


@pytest.mark.parametrize("name,command", UNITS.items())
def test_unit_runs_the_installed_zhenxing_as_the_service_user(name, command):
    service = unit(name)["Service"]
    assert assert_runs_a_real_command(shlex.split(service["ExecStart"])) == command
    assert service["User"] == "zhenxing" and service["Group"] == "zhenxing"
    assert service["EnvironmentFile"] == ENV_FILE
    assert service["Restart"] == "on-failure"
    assert "/var/lib/zhenxing" in service["ReadWritePaths"].split()
    assert unit(name)["Install"]["WantedBy"] == "multi-user.target"


def test_environment_file_names_every_variable_production_requires():
    required = set(re.findall(r"_required\(\"([A-Z_]+)\"\)", PRODUCTION.read_text(encoding="utf-8")))
    assert {"SECRET_KEY", "ID_ENCRYPTION_KEYS", "ID_HASH_KEY", "ALLOWED_HOSTS"} <= required
    env = env_example()
    assert required <= set(env)
    assert env["DJANGO_SETTINGS_MODULE"] == "zhenxing.settings.production"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["TRUSTED_PROXIES"] == "127.0.0.1"  # nginx on the same machine
    # Read by /bin/sh in zhenxing.cron too: nothing the two readers would take differently.
    assert all(re.fullmatch(r"[A-Za-z0-9_./:@,=+-]*", v) for v in env.values()), env


def _verify(units: list[Path]) -> subprocess.CompletedProcess:
    return subprocess.run(["systemd-analyze", "verify", *map(str, units)], capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="本机没有 systemd-analyze")
def test_systemd_analyze_verifies_the_units(tmp_path):
    # verify checks that ExecStart's program exists: stand a script in for the install's zhenxing.
    stand_in = tmp_path / "bin" / "zhenxing"
    stand_in.parent.mkdir()
    stand_in.write_text("#!/bin/sh\nexit 0\n")
    stand_in.chmod(0o755)
    copies = []
    for name in UNITS:
        copy = tmp_path / name
        copy.write_text((DEPLOY / name).read_text(encoding="utf-8").replace(ZHENXING, str(stand_in)))
        copies.append(copy)
    result = _verify(copies)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not any(name in result.stderr for name in UNITS), result.stderr

    stand_in.unlink()  # the same check fails when the program is missing
    assert _verify(copies[:1]).returncode != 0


def nginx_parse(text: str) -> list[tuple[str, list[str], list]]:
    """nginx's configuration as (directive, arguments, block) triples."""
    tokens = re.findall(r"[{};]|[^\s{};]+", re.sub(r"#[^\n]*", "", text))
    position = 0

    def block() -> list:
        nonlocal position
        items, words = [], []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == ";":
                items.append((words[0], words[1:], []))
                words = []
            elif token == "{":
                items.append((words[0], words[1:], block()))
                words = []
            elif token == "}":
                return items
            else:
                words.append(token)
        assert not words, f"未结束的指令：{words}"
        return items

    return block()


def directives(items: list, name: str) -> list[list[str]]:
    return [args for directive, args, _ in items if directive == name]


def test_nginx_site_redirects_to_https_and_proxies_to_the_web_unit():
    servers = [
        children
        for name, _, children in nginx_parse((DEPLOY / "nginx-zhenxing.conf").read_text("utf-8"))
        if name == "server"
    ]
    plain = [s for s in servers if ["80"] in directives(s, "listen")]
    https = [s for s in servers if ["443", "ssl", "http2"] in directives(s, "listen")]
    assert len(plain) == 1 and len(https) == 1
    assert directives(plain[0], "return") == [["301", "https://$host$request_uri"]]
    site = https[0]
    env = env_example()
    assert directives(site, "server_name") == [env["ALLOWED_HOSTS"].split(",")] == directives(plain[0], "server_name")
    assert directives(site, "ssl_certificate") and directives(site, "ssl_certificate_key")
    assert directives(site, "client_max_body_size") == [[f"{settings.UPLOAD_MAX_BYTES // 1024 // 1024}m"]]

    locations = {args[0]: children for name, args, children in site if name == "location"}
    web = shlex.split(unit("zhenxing-web.service")["Service"]["ExecStart"])
    host, port = web[web.index("--host") + 1], web[web.index("--port") + 1]
    proxy = locations["/"]
    assert directives(proxy, "proxy_pass") == [[f"http://{host}:{port}"]]
    headers = {args[0]: args[1] for args in directives(proxy, "proxy_set_header")}
    assert headers == {"Host": "$host", "X-Forwarded-Proto": "$scheme", "X-Forwarded-For": "$proxy_add_x_forwarded_for"}
    assert directives(proxy, "proxy_read_timeout") == [[f"{GUNICORN_TIMEOUT}s"]]
    # collectstatic's folder under the environment file's ZHENXING_HOME (settings: HOME/var/static)
    assert directives(locations["/static/"], "alias") == [[f"{env['ZHENXING_HOME']}/var/static/"]]
    assert "/media/" not in locations  # uploads are handed out by the system, within the user's scope


def test_cron_lines_run_real_commands_with_the_environment_file():
    lines = [
        line
        for line in (DEPLOY / "zhenxing.cron").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not re.match(r"[A-Z_]+=", line)
    ]
    run = []
    for line in lines:
        fields = line.split(None, 6)
        assert len(fields) == 7 and fields[5] == "zhenxing", line  # m h dom mon dow user command
        assert all(re.fullmatch(r"[0-9*,/-]+", f) for f in fields[:5]), line
        assert fields[6].startswith(f"set -a; . {ENV_FILE}; {ZHENXING} "), line
        assert not re.search(r"(?<!\\)%", fields[6]), line  # cron turns a bare % into a newline
        invocation = fields[6].split("; ", 2)[2].split(" && ")[0]
        argv = shlex.split(re.sub(r"\$\(date [^)]*\)", "2024-05-01", invocation))
        run.append(argv[1])
        assert_runs_a_real_command(argv)
    assert run == ["backup", "snapshot-indicators", "ledger-remind", "generate-reports", "leakage-check"]


def _check_deploy(env: dict[str, str], home: Path) -> subprocess.CompletedProcess:
    # Everything as in the example except ZHENXING_HOME: the test must not write to /var/lib.
    child = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    child.update(
        env,
        ZHENXING_HOME=str(home),
        PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    )
    return subprocess.run(
        [sys.executable, "-m", "zhenxing", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=child,
        cwd=home,
        timeout=120,
    )


def test_check_deploy_passes_with_the_example_environment_filled_in(tmp_path):
    env = env_example()
    secrets_for = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ID_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "ID_HASH_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": env["DATABASE_URL"].replace("CHANGE-ME", secrets.token_urlsafe(24)),
    }
    assert {k for k, v in env.items() if "CHANGE-ME" in v} == set(secrets_for)
    filled = {**env, **secrets_for}
    result = _check_deploy(filled, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_example_left_unedited(tmp_path):
    result = _check_deploy(env_example(), tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stdout + result.stderr


def _self_signed(folder: Path) -> None:
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "zhenxing.example.gov.cn")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "zhenxing.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "zhenxing.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("nginx") is None, reason="本机没有 nginx（.ci/run 安装 nginx-light）")
def test_real_nginx_accepts_the_site_and_masks_id_numbers_in_its_access_log(tmp_path):
    """The shipped site file, run by nginx itself (ports and paths moved into a temporary folder)."""
    import http.client
    import ssl
    import time

    _self_signed(tmp_path)
    plain, tls = _free_port(), _free_port()
    site = (DEPLOY / "nginx-zhenxing.conf").read_text("utf-8")
    site = site.replace("/etc/nginx/ssl/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    site = re.sub(r"listen \[::\]:\d+[^;]*;", "", site)
    site = site.replace("listen 80;", f"listen 127.0.0.1:{plain};").replace(
        "listen 443 ssl http2;", f"listen 127.0.0.1:{tls} ssl http2;"
    )
    (tmp_path / "site.conf").write_text(site, "utf-8")
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n",
        "utf-8",
    )
    conf = str(tmp_path / "nginx.conf")
    checked = subprocess.run(["nginx", "-t", "-c", conf], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    server = subprocess.Popen(["nginx", "-c", conf, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
    try:
        context = ssl._create_unverified_context()
        for _ in range(50):
            try:
                connection = http.client.HTTPSConnection("127.0.0.1", tls, context=context, timeout=5)
                connection.request(
                    "GET",
                    "/registry/?q=23272219800101123X&page=2",
                    headers={
                        "Host": "zhenxing.example.gov.cn",
                        "Referer": "https://zhenxing.example.gov.cn/api/v1/households?q=232722198001011234",
                    },
                )
                connection.getresponse().read()  # 502: no gunicorn behind it, the line is logged all the same
                break
            except OSError:
                time.sleep(0.1)
        time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
    log = (tmp_path / "zhenxing.access.log").read_text("utf-8")
    assert "/registry/?q=232722********123X&page=2" in log
    assert "households?q=232722********1234" in log
    assert "23272219800101123X" not in log and "232722198001011234" not in log
