"""Reading the registry straight from MariaDB and PostgreSQL (dq.io.database), on real servers.

Each server gets a database, a read-only user with a planted password and the tables of
examples/hoftebrudd, typed as a registration system stores them (DATE, TIMESTAMP/DATETIME,
DECIMAL, BOOLEAN/TINYINT(1), utf8mb4 text); everything is dropped afterwards. The reference for
every figure is dq's own result on the CSV export of the same table: database and CSV must agree
row for row. The planted password must never appear in any output.

The servers are administered over their local sockets by the user running the tests (.ci/run
starts Debian's MariaDB and PostgreSQL and makes root a PostgreSQL superuser). Without a server
the tests skip and say why; with DQ_REQUIRE_DB=1 (CI) that is a failure.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from dq.errors import ConfigError, InputError
from tests.conftest import run

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "hoftebrudd"
# Distinctive, with the characters a URL must escape: found anywhere in an output, it leaked.
PASSWORD = "Hem@lig/Pw:7f3c9e#QX-dq!"
PASSWORD_VAR = "DQ_TEST_DB_PASSWORD"
SUFFIX = f"{os.getpid()}"
DB_NAME = f"dq_test_{SUFFIX}"
READER = f"dq_reader_{SUFFIX}"
BOOLEANS = {"Nerveblokk", "Antibiotika", "Komplikasjon"}  # 0/1 columns: BOOLEAN / TINYINT(1)
TEXT_ONLY = {"kodebok", "validering"}  # tables a registry keeps as text


def _unavailable(reason: str) -> None:
    if os.environ.get("DQ_REQUIRE_DB") == "1":
        pytest.fail(f"DQ_REQUIRE_DB=1 but {reason}")
    pytest.skip(reason)


# ---------------------------------------------------------------- servers


class Server:
    kind = ""
    port = 0

    def admin(self) -> Any:
        raise NotImplementedError

    def url(self, *, password: bool = True, host: str = "127.0.0.1", port: int | None = None,
            database: str = DB_NAME, params: str = "") -> str:
        auth = f"{READER}:${{{PASSWORD_VAR}}}" if password else READER
        return f"{self.kind}://{auth}@{host}:{port or self.port}/{database}{params}"


class Postgres(Server):
    kind = "postgresql"
    port = 5432

    def admin(self, dbname: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(host=os.environ.get("DQ_TEST_PG_SOCKET", "/var/run/postgresql"),
                               dbname=dbname, user=os.environ.get("DQ_TEST_PG_ADMIN",
                                                                  getpass.getuser()),
                               autocommit=True, connect_timeout=5)

    def create(self, tables: dict[str, tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]) -> None:
        with self.admin() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            db.execute(f'DROP ROLE IF EXISTS "{READER}"')
            db.execute(f"CREATE ROLE \"{READER}\" LOGIN PASSWORD '{PASSWORD}'")
            db.execute(f'CREATE DATABASE "{DB_NAME}" ENCODING \'UTF8\' TEMPLATE template0')
        with self.admin(DB_NAME) as db:
            for name, (columns, rows) in tables.items():
                cols = ", ".join(f'"{c}" {t}' for c, t in columns)
                db.execute(f'CREATE TABLE "{name}" ({cols})')
                names = ", ".join(f'"{c}"' for c, _ in columns)
                with db.cursor().copy(f'COPY "{name}" ({names}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
            db.execute(f'GRANT CONNECT ON DATABASE "{DB_NAME}" TO "{READER}"')
            db.execute(f'GRANT USAGE ON SCHEMA public TO "{READER}"')
            db.execute(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{READER}"')

    def count(self, table: str) -> int:
        with self.admin(DB_NAME) as db:
            return int(db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0])

    def drop(self) -> None:
        with self.admin() as db:
            db.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
            db.execute(f'DROP ROLE IF EXISTS "{READER}"')

    def types(self, kind: str) -> str:
        return {"int": "INTEGER", "bool": "BOOLEAN", "dec": "NUMERIC(12,3)", "date": "DATE",
                "dt": "TIMESTAMP", "text": "TEXT"}[kind]


class MariaDB(Server):
    kind = "mysql"
    port = 3306

    def admin(self) -> Any:
        import pymysql

        return pymysql.connect(unix_socket=os.environ.get("DQ_TEST_MYSQL_SOCKET",
                                                          "/run/mysqld/mysqld.sock"),
                               user=os.environ.get("DQ_TEST_MYSQL_ADMIN", "root"),
                               charset="utf8mb4", autocommit=True, connect_timeout=5)

    def create(self, tables: dict[str, tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]) -> None:
        db = self.admin()
        try:
            with db.cursor() as cur:
                self._drop(cur)
                cur.execute(f"CREATE DATABASE `{DB_NAME}` CHARACTER SET utf8mb4 "
                            "COLLATE utf8mb4_unicode_ci")
                for host in ("localhost", "127.0.0.1"):
                    cur.execute(f"CREATE USER '{READER}'@'{host}' IDENTIFIED BY %s", (PASSWORD,))
                    cur.execute(f"GRANT SELECT ON `{DB_NAME}`.* TO '{READER}'@'{host}'")
                cur.execute("SET SESSION sql_mode = ''")  # zero dates, as old registries hold
                for name, (columns, rows) in tables.items():
                    cols = ", ".join(f"`{c}` {t}" for c, t in columns)
                    cur.execute(f"CREATE TABLE `{DB_NAME}`.`{name}` ({cols}) "
                                "CHARACTER SET utf8mb4")
                    names = ", ".join(f"`{c}`" for c, _ in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cur.executemany(f"INSERT INTO `{DB_NAME}`.`{name}` ({names}) VALUES "
                                    f"({marks})", rows)
        finally:
            db.close()

    def _drop(self, cur: Any) -> None:
        cur.execute(f"DROP DATABASE IF EXISTS `{DB_NAME}`")
        for host in ("localhost", "127.0.0.1"):
            cur.execute(f"DROP USER IF EXISTS '{READER}'@'{host}'")

    def count(self, table: str) -> int:
        db = self.admin()
        try:
            with db.cursor() as cur:
                cur.execute(f"SELECT COUNT(*) FROM `{DB_NAME}`.`{table}`")
                return int(cur.fetchone()[0])
        finally:
            db.close()

    def drop(self) -> None:
        db = self.admin()
        try:
            with db.cursor() as cur:
                self._drop(cur)
        finally:
            db.close()

    def types(self, kind: str) -> str:
        return {"int": "INT", "bool": "TINYINT(1)", "dec": "DECIMAL(12,3)", "date": "DATE",
                "dt": "DATETIME", "text": "VARCHAR(255)"}[kind]


# ---------------------------------------------------------------- the example as typed tables

_PATTERNS = {"int": r"^-?(0|[1-9][0-9]{0,8})$", "dec": r"^-?(0|[1-9][0-9]{0,8})(,[0-9]+)?$",
             "date": r"^([0-9]{2}\.[0-9]{2}\.[0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2})$",
             "dt": r"^[0-9]{2}\.[0-9]{2}\.[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}$"}


def _kind(name: str, values: pl.Series, table: str) -> str:
    """The column's database type, as a registration system would declare it."""
    if table in TEXT_ONLY:
        return "text"
    present = values.drop_nulls()
    if name in BOOLEANS and set(present.unique().to_list()) <= {"0", "1"}:
        return "bool"
    for kind, pattern in _PATTERNS.items():
        if present.len() and present.str.contains(pattern).all():
            return kind
    return "text"


def _value(text: str | None, kind: str) -> Any:
    if text is None:
        return None
    if kind == "int":
        return int(text)
    if kind == "bool":
        return text == "1"
    if kind == "dec":
        return Decimal(text.replace(",", "."))
    if kind == "date":
        return (datetime.strptime(text, "%d.%m.%Y") if "." in text
                else datetime.strptime(text, "%Y-%m-%d")).date()
    if kind == "dt":
        return datetime.strptime(text, "%d.%m.%Y %H:%M:%S")
    return text


def _tables(server: Server) -> dict[str, tuple[list[tuple[str, str]], list[tuple[Any, ...]]]]:
    out = {}
    for name in ("hoftebrudd", "enheter", "npr_aggregat", "interrater", "validering", "kodebok"):
        df = pl.read_csv(EXAMPLE / f"{name}.csv", separator=";", infer_schema=False,
                         encoding="utf8")
        df = df.rename({c: c.lstrip("\ufeff") for c in df.columns})
        kinds = {c: _kind(c, df[c], name) for c in df.columns}
        columns = [(c, server.types(kinds[c])) for c in df.columns]
        rows = [tuple(_value(v, kinds[c]) for c, v in zip(df.columns, row, strict=True))
                for row in df.iter_rows()]
        out[name] = (columns, rows)
    # The types the CSV export cannot show: æøå in names and values, empty text beside NULL,
    # decimals, 0/1 flags, and (MariaDB) zero dates. Hand-counted expectations below.
    zero = server.kind == "mysql"
    out["typer"] = ([("Løpenr", server.types("int")), ("Høyde_cm", "DECIMAL(5,1)"),
                     ("Målt_dato", server.types("date")), ("Tidspunkt", server.types("dt")),
                     ("Røyker", server.types("bool")), ("Merknad_æøå", server.types("text"))],
                    [(1, Decimal("172.5"), date(2019, 1, 2), datetime(2019, 1, 3, 9), True, "æøå"),
                     (2, None, "0000-00-00" if zero else None,
                      "0000-00-00 00:00:00" if zero else None, False, ""),
                     (3, Decimal("180.0"), date(2020, 2, 29), datetime(2020, 2, 29, 23, 59, 59),
                      None, None),
                     (4, Decimal("165.5"), date(2021, 12, 31), datetime(2021, 12, 31), True,
                      "  ")])
    return out


@pytest.fixture(scope="module", params=["postgresql", "mysql"])
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    srv: Server = Postgres() if request.param == "postgresql" else MariaDB()
    try:
        srv.admin().close()
    except ImportError as exc:
        _unavailable(f"the {srv.kind} driver is not installed ({exc.name})")
    except Exception as exc:  # noqa: BLE001 - no server here: say which and why
        _unavailable(f"no {srv.kind} server could be reached on this machine as an "
                     f"administrator ({type(exc).__name__}); .ci/run installs and starts one")
    srv.create(_tables(srv))
    os.environ[PASSWORD_VAR] = PASSWORD
    try:
        yield srv
    finally:
        os.environ.pop(PASSWORD_VAR, None)
        srv.drop()


def _no_secret(*texts: str) -> None:
    from urllib.parse import quote

    for text in texts:
        assert PASSWORD not in text
        assert quote(PASSWORD, safe="") not in text
        assert "7f3c9e" not in text  # any fragment of it


def _json(result: Any) -> dict[str, Any]:
    assert result.exit_code in (0, 1), result.stderr + result.stdout
    _no_secret(result.stdout, result.stderr)
    return json.loads(result.stdout)


def _same(doc: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: doc[k] for k in keys}


# ---------------------------------------------------------------- database = CSV, row for row

COMPLETENESS_KEYS = ("results", "records", "n_records", "n_finished", "unmatched_units",
                     "warnings", "min_n")


@pytest.mark.parametrize("by", [None, "unit,year"])
def test_completeness_from_the_database_equals_the_csv_export(server: Server, by: str | None) -> None:
    spec = EXAMPLE / "dq.toml"
    extra = ["--by", by] if by else []
    csv = _json(run("completeness", "--spec", spec, "-f", "json", *extra))
    db = _json(run("completeness", "--spec", spec, "-f", "json", *extra,
                   "--data-url", server.url(), "--table", "hoftebrudd"))
    assert csv["results"], "the CSV run found variables"
    assert _same(db, COMPLETENESS_KEYS) == _same(csv, COMPLETENESS_KEYS)
    # The example's known invalid values come through the typed columns unchanged.
    alder = next(r for r in db["results"] if r["variable"] == "Alder" and r.get("level", "national")
                 in ("national", None))
    assert alder["n_invalid"] > 0


def _spec_from_database(server: Server, tmp_path: Path) -> Path:
    """The example's spec with every file replaced by its table (or a query)."""
    url = server.url()
    text = (EXAMPLE / "dq.toml").read_text(encoding="utf-8")
    swaps = {
        'files = ["hoftebrudd.csv"]': f'url = "{url}"\ntable = "hoftebrudd"',
        'codebook = "kodebok.csv"': f'codebook = {{ url = "{url}", table = "kodebok" }}',
        'table = "enheter.csv"': f'table = {{ url = "{url}", table = "enheter" }}',
        'references = ["npr_aggregat.csv"]':
            f'references = [{{ url = "{url}", table = "npr_aggregat" }}]',
        'study = "interrater.csv"':
            f'study = {{ url = "{url}", query = "SELECT * FROM interrater" }}',
        'study = "validering.csv"': f'study = {{ url = "{url}", table = "validering" }}',
    }
    for old, new in swaps.items():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "dq.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_report_with_every_source_in_the_database_equals_the_files(server: Server,
                                                                    tmp_path: Path) -> None:
    files = _json(run("report", EXAMPLE / "dq.toml", "-f", "json"))
    db = _json(run("report", _spec_from_database(server, tmp_path), "-f", "json"))
    keys = [k for k in files if k not in ("manifest", "inputs", "spec")]
    assert "dimensions" in keys and "results" in keys
    assert {k: db[k] for k in keys} == {k: files[k] for k in keys}
    # Six inputs, each from the database, counted (the data lines of each CSV file).
    inputs = db["manifest"]["inputs"]
    assert {i["format"] for i in inputs} == {server.kind}
    assert [i["database"].get("table", "(query)") for i in inputs] == [
        "hoftebrudd", "npr_aggregat", "(query)", "validering", "enheter", "kodebok"]
    assert [i["rows"] for i in inputs] == [20_000, 509, 120, 560, 34, 68]


def test_report_reads_the_export_table_once(server: Server, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """dq report asks the export many questions; the server is asked for the table twice: the
    sample that tells the types, then one streamed read of the columns the spec names, into a
    private copy every check reads (before: four reads of the table)."""
    import dq.io.database as database

    sent: list[str] = []
    real = database._cx_batches

    def counting(src: Any, conn: Any, sql: str, rows: int) -> Any:
        sent.append(sql)
        return real(src, conn, sql, rows)

    monkeypatch.setattr(database, "_cx_batches", counting)
    result = run("report", _spec_from_database(server, tmp_path), "-f", "json")
    assert result.exit_code in (0, 1), result.stderr
    export = [q for q in sent if "hoftebrudd" in q]
    assert len(export) == 2, export
    assert "LIMIT" in export[0].upper() or "TOP" in export[0].upper()
    files = _json(run("report", EXAMPLE / "dq.toml", "-f", "json"))
    assert _json(result)["results"] == files["results"]


def test_coverage_from_the_database_equals_the_csv_export(server: Server) -> None:
    spec = EXAMPLE / "dq.toml"
    csv = _json(run("coverage", "--spec", spec, "-f", "json"))
    db = _json(run("coverage", "--spec", spec, "-f", "json", "--data-url", server.url(),
                   "--query", "SELECT * FROM hoftebrudd"))
    keys = [k for k in csv if k != "inputs"]
    assert {k: db[k] for k in keys} == {k: csv[k] for k in keys}


# ---------------------------------------------------------------- types

TYPES_SPEC = """
[dataset]
{source}

[variables."Høyde_cm"]
type = "decimal"
min = 100
max = 250

[variables."Målt_dato"]
type = "date"

[variables.Tidspunkt]
type = "datetime"

[variables."Røyker"]
type = "categorical"
codes = {{ "0" = "Nei", "1" = "Ja" }}

[variables."Merknad_æøå"]
type = "text"
"""


def test_types_map_as_in_a_csv_export(server: Server, tmp_path: Path) -> None:
    zero = server.kind == "mysql"
    # The CSV export of the same four rows, as the registry's export tool writes it.
    csv = tmp_path / "typer.csv"
    csv.write_text(
        "Løpenr;Høyde_cm;Målt_dato;Tidspunkt;Røyker;Merknad_æøå\n"
        "1;172,5;02.01.2019;02.01.2019 09:00:00;1;æøå\n"
        f"2;;{'0000-00-00' if zero else ''};{'0000-00-00 00:00:00' if zero else ''};0;\n"
        "3;180,0;29.02.2020;29.02.2020 23:59:59;;\n"
        "4;165,5;31.12.2021;31.12.2021 00:00:00;1;  \n", encoding="utf-8")
    csv_spec = tmp_path / "csv.toml"
    csv_spec.write_text(TYPES_SPEC.format(source='files = ["typer.csv"]'), encoding="utf-8")
    db_spec = tmp_path / "db.toml"
    db_spec.write_text(TYPES_SPEC.format(source=f'url = "{server.url()}"\ntable = "typer"'),
                       encoding="utf-8")
    from_csv = _json(run("completeness", "--spec", csv_spec, "-f", "json"))
    from_db = _json(run("completeness", "--spec", db_spec, "-f", "json"))
    rows = {r["variable"]: r for r in from_db["results"]}
    counts = {name: (r["n_applicable"], r["n_valid"], r["n_missing"], r["n_invalid"])
              for name, r in rows.items()}
    # Hand-counted from the four rows above: NULL, '' and '  ' are missing; a zero date is a
    # registered value that is no date (invalid), as "0000-00-00" in a CSV export is.
    assert counts["Høyde_cm"] == (4, 3, 1, 0)
    assert counts["Målt_dato"] == ((4, 3, 0, 1) if zero else (4, 3, 1, 0))
    assert counts["Tidspunkt"] == ((4, 3, 0, 1) if zero else (4, 3, 1, 0))
    assert counts["Røyker"] == (4, 3, 1, 0)  # BOOLEAN / TINYINT(1) read as the codes 0 and 1
    assert counts["Merknad_æøå"] == (4, 1, 3, 0)
    assert from_db["results"] == from_csv["results"]
    assert from_db["records"] == from_csv["records"]


def test_dates_in_a_declared_format_and_column_names_with_aeoeaa(server: Server) -> None:
    from dq.io.database import make, open_source

    src = open_source(make(server.url(), "typer", None, "test"), date_format="%d.%m.%Y")
    assert src.columns == ["Løpenr", "Høyde_cm", "Målt_dato", "Tidspunkt", "Røyker",
                           "Merknad_æøå"]
    df = src.lf.sort("Løpenr").collect()
    assert df["Merknad_æøå"].to_list() == ["æøå", None, None, None]
    assert df["Høyde_cm"].to_list() == [172.5, None, 180.0, 165.5]
    assert df["Røyker"].to_list() == [1, 0, None, 1]
    dates = df["Målt_dato"].cast(pl.String).to_list()
    if server.kind == "mysql":  # text: valid dates in the declared format, the zero date as is
        assert dates == ["02.01.2019", "0000-00-00", "29.02.2020", "31.12.2021"]
    else:
        assert dates == ["2019-01-02", None, "2020-02-29", "2021-12-31"]


# ---------------------------------------------------------------- manifest, projection, batches


def test_manifest_names_the_source_never_the_password(server: Server) -> None:
    query = "SELECT * FROM hoftebrudd WHERE \"SkjemaStatus\" = 2" if server.kind == "postgresql" \
        else "SELECT * FROM hoftebrudd WHERE `SkjemaStatus` = 2"
    doc = _json(run("completeness", "-f", "json", "--data-url", server.url(), "--query", query))
    (entry,) = doc["inputs"]
    db = entry["database"]
    assert (entry["format"], db["kind"], db["host"], db["port"], db["database"], db["user"]) == \
        (server.kind, server.kind, "127.0.0.1", server.port, DB_NAME, READER)
    assert db["query"] == query and "table" not in db
    assert entry["sha256"] == hashlib.sha256(query.encode()).hexdigest()
    finished = pl.read_csv(EXAMPLE / "hoftebrudd.csv", separator=";", infer_schema=False)
    assert entry["rows"] == finished.filter(pl.col("SkjemaStatus") == "2").height
    assert datetime.fromisoformat(db["read_at"]).year >= 2024
    assert "url" not in json.dumps(entry).lower().replace("'url'", "")


def test_only_the_needed_columns_are_read_in_batches(server: Server,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from dq.io import database

    sent: list[tuple[str, int]] = []
    batches: list[int] = []
    real = database._cx_batches

    def spy(src: Any, conn: Any, sql: str, batch_rows: int) -> Iterator[Any]:
        sent.append((sql, batch_rows))
        for batch in real(src, conn, sql, batch_rows):
            batches.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(database, "_cx_batches", spy)
    src = database.open_source(database.make(server.url(), "hoftebrudd", None, "test"),
                               batch_rows=4_000)
    sent.clear()
    batches.clear()
    counts = src.lf.group_by("AvdRESH").agg(pl.len()).collect()
    assert counts["len"].sum() == 20_000
    (sql, size), = sent
    q = '"' if server.kind == "postgresql" else "`"
    assert sql == f"SELECT {q}AvdRESH{q} FROM {q}hoftebrudd{q}"  # one column, not 29
    assert size == 4_000 and max(batches) <= 4_000 and sum(batches) == 20_000
    assert src.lf.head(7).collect().height == 7
    assert sent[-1][0].endswith(" LIMIT 7")


def test_the_session_is_read_only(server: Server) -> None:
    from dq.io.database import make, open_source

    query = ("SELECT current_setting('transaction_read_only') AS ro" if server.kind == "postgresql"
             else "SELECT @@session.tx_read_only AS ro")  # MariaDB 10.x's name
    value = open_source(make(server.url(), None, query, "test")).lf.collect()["ro"][0]
    assert str(value) in ("on", "1")


def test_passwords_from_the_clients_environment(server: Server,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    variable = "PGPASSWORD" if server.kind == "postgresql" else "MYSQL_PWD"
    monkeypatch.setenv(variable, PASSWORD)
    doc = _json(run("completeness", "-f", "json", "--data-url", server.url(password=False),
                    "--table", "enheter"))
    assert doc["inputs"][0]["rows"] == 34


def test_pgpass(server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if server.kind != "postgresql":
        pytest.skip("~/.pgpass is PostgreSQL's")
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:*:{DB_NAME}:{READER}:{PASSWORD.replace(':', chr(92) + ':')}\n")
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    monkeypatch.delenv("PGPASSWORD", raising=False)
    doc = _json(run("completeness", "-f", "json", "--data-url", server.url(password=False),
                    "--table", "enheter"))
    assert doc["inputs"][0]["rows"] == 34


# ---------------------------------------------------------------- errors: one line, exit 3


def _one_line(result: Any, code: int, *needles: str) -> str:
    assert result.exit_code == code, result.stderr + result.stdout
    _no_secret(result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def test_wrong_password_fails_at_once(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_VAR, PASSWORD + "-feil")
    start = time.monotonic()
    result = run("completeness", "--data-url", server.url(), "--table", "hoftebrudd", "--lang",
                 "en")
    line = _one_line(result, 3, "127.0.0.1", DB_NAME, "hoftebrudd", "password", READER)
    assert time.monotonic() - start < 10  # one login attempt, not connectorx's 30 s of retries
    assert "7f3c9e" not in line


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unknown_port_and_host(server: Server) -> None:
    port = _free_port()
    result = run("completeness", "--data-url", server.url(port=port), "--table", "hoftebrudd",
                 "--lang", "en")
    _one_line(result, 3, f"127.0.0.1:{port}", DB_NAME, "hoftebrudd", "cannot reach")
    result = run("completeness", "--data-url", server.url(host="no-such-host.invalid"),
                 "--table", "hoftebrudd")
    _one_line(result, 3, "dq: feil: ", "no-such-host.invalid", "når ikke serveren")


def test_unknown_database_table_and_column(server: Server, tmp_path: Path) -> None:
    result = run("completeness", "--data-url", server.url(database="dq_no_such_db"),
                 "--table", "hoftebrudd", "--lang", "en")
    _one_line(result, 3, "dq_no_such_db", "database")
    result = run("completeness", "--data-url", server.url(), "--table", "skjema_finnes_ikke",
                 "--lang", "en")
    _one_line(result, 3, DB_NAME, "skjema_finnes_ikke", "does not exist")
    result = run("completeness", "--data-url", server.url(), "--table", "skjema_finnes_ikke")
    _one_line(result, 3, "dq: feil: ", DB_NAME, "tabell 'skjema_finnes_ikke' (--data-url): "
              "tabellen finnes ikke (eller brukeren kan ikke se den)")
    spec = tmp_path / "dq.toml"
    spec.write_text('[variables.Finnes_ikke]\ntype = "text"\n', encoding="utf-8")
    result = run("completeness", "--spec", spec, "--data-url", server.url(), "--table", "enheter",
                 "--lang", "en")
    _one_line(result, 3, "Finnes_ikke", "missing", DB_NAME)
    q = '"' if server.kind == "postgresql" else "`"
    result = run("completeness", "--data-url", server.url(), "--query",
                 f"SELECT {q}Finnes_ikke{q} FROM enheter", "--lang", "en")
    _one_line(result, 3, DB_NAME, "column", "query")


def test_a_failing_query(server: Server) -> None:
    # PostgreSQL: division by zero (SQLSTATE 22012); MariaDB: a function it does not have.
    query = ("SELECT 1 / (unit_id - unit_id) AS x FROM enheter" if server.kind == "postgresql"
             else "SELECT no_such_function(unit_id) AS x FROM enheter")
    result = run("completeness", "--data-url", server.url(), "--query", query, "--lang", "en")
    _one_line(result, 3, DB_NAME, "the query")


@pytest.mark.parametrize("query", [
    "DROP TABLE hoftebrudd",
    "SELECT 1; DROP TABLE hoftebrudd",
    "DELETE FROM hoftebrudd",
    "UPDATE hoftebrudd SET Alder = 1",
    "INSERT INTO enheter SELECT * FROM enheter",
    "WITH d AS (DELETE FROM hoftebrudd RETURNING *) SELECT * FROM d",
    "SELECT * INTO kopi FROM hoftebrudd",
    "SELECT * FROM hoftebrudd FOR UPDATE",
    "select * from enheter;\n-- comment\ntruncate enheter",
])
def test_a_query_that_writes_is_refused_before_it_is_sent(server: Server, query: str) -> None:
    # The port has no server: a refusal that came after connecting would be exit 3, not 2.
    result = run("completeness", "--data-url", server.url(port=_free_port()), "--query", query)
    _one_line(result, 2, "query")
    result = run("completeness", "--data-url", server.url(), "--query", query)
    _one_line(result, 2, "query")
    assert server.count("hoftebrudd") == 20_000 and server.count("enheter") == 34


def test_words_inside_strings_and_quoted_names_are_not_writes() -> None:
    from dq.io.database import check_query

    check_query("SELECT \"Update\", 'drop table x; delete' AS note FROM t -- insert\n", "q")
    check_query("WITH a AS (SELECT 1 AS x) SELECT x FROM a;", "q")
    with pytest.raises(ConfigError, match="more than one statement"):
        check_query("SELECT 1; SELECT 2", "q")


def test_spec_sources_are_checked_before_anything_is_read(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DQ_UNSET_PASSWORD", raising=False)
    cases = {  # spec: the English (--lang en), the Norwegian (dq's default)
        '[dataset]\nurl = "postgresql://u:${DQ_UNSET_PASSWORD}@h/db"\ntable = "t"\n':
            ("DQ_UNSET_PASSWORD is not set",
             "dq.toml: [dataset]: url bruker ${DQ_UNSET_PASSWORD}, men miljøvariabelen "
             "DQ_UNSET_PASSWORD er ikke satt; sett den (export DQ_UNSET_PASSWORD=…) før dq "
             "kjøres"),
        '[dataset]\nurl = "postgresql://u@h/db"\n': ("either table", "enten table = "),
        '[dataset]\nurl = "postgresql://u@h/db"\ntable = "t"\nquery = "SELECT 1"\n':
            ("exactly one", "(nøyaktig én av dem)"),
        '[dataset]\nurl = "oracle://u@h/db"\ntable = "t"\n':
            ("must start with", "url må begynne med en av mysql://, mariadb://"),
        '[dataset]\nfiles = ["a.csv"]\nurl = "mysql://u@h/db"\ntable = "t"\n':
            ("name the data once", "files"),
        '[units]\ntable = { url = "mysql://u@h/db", tabel = "t" }\n':
            ("unknown key 'tabel'", "ukjent nøkkel 'tabel' i en databasekilde; gyldige "
                                    "nøkler: query, table, url"),
        '[coverage]\nreferences = [{ url = "mysql://u@h/db", query = "DELETE FROM t" }]\n':
            ("DELETE", "query: begynner med 'DELETE', ikke SELECT; dq leser bare"),
    }
    for text, (needle, norsk) in cases.items():
        spec = tmp_path / "dq.toml"
        spec.write_text(text, encoding="utf-8")
        result = run("completeness", "--spec", spec, EXAMPLE / "enheter.csv", "--lang", "en")
        _one_line(result, 2, "dq: error: ", needle)
        result = run("completeness", "--spec", spec, EXAMPLE / "enheter.csv")
        _one_line(result, 2, "dq: feil: ", norsk)


def test_command_line_options_go_together() -> None:
    _one_line(run("completeness", "--table", "t"), 2, "--data-url")
    _one_line(run("completeness", EXAMPLE / "enheter.csv", "--data-url", "mysql://u@h/db",
                  "--table", "t", "--lang", "en"), 2, "not both")
    _one_line(run("completeness", EXAMPLE / "enheter.csv", "--data-url", "mysql://u@h/db",
                  "--table", "t"), 2,
              "dq: feil: oppgi dataene én gang: en uttrekksfil eller --data-url, ikke begge")


# ---------------------------------------------------------------- the server goes away


_PROXY = r"""
import os, socket, sys, threading
target, flag, after = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])

def pipe(src, dst, limit):
    passed = 0
    try:
        while data := src.recv(65536):
            dst.sendall(data)
            passed += len(data)
            if limit is not None and passed >= limit:
                break
    except OSError:
        pass
    for s in (src, dst):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        s.close()

server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(16)
print(server.getsockname()[1], flush=True)
while True:
    client, _ = server.accept()
    upstream = socket.create_connection(("127.0.0.1", target))
    limit = after if os.path.exists(flag) else None
    threading.Thread(target=pipe, args=(client, upstream, None), daemon=True).start()
    threading.Thread(target=pipe, args=(upstream, client, limit), daemon=True).start()
"""


class _Proxy:
    """A TCP relay to the server in a process of its own (connectorx holds the GIL while it
    connects) that, once ``cut()`` is called, drops each new connection after it has passed
    ``after`` bytes from the server: the server going away in the middle of a read."""

    def __init__(self, port: int, flag: Path, after: int = 200_000) -> None:
        self.flag = flag
        self.proc = subprocess.Popen([sys.executable, "-c", _PROXY, str(port), str(flag),
                                      str(after)], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.port = int(self.proc.stdout.readline())

    def cut(self) -> None:
        self.flag.touch()

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()
        assert self.proc.stdout is not None
        self.proc.stdout.close()


def test_the_server_going_away_during_the_read(server: Server, tmp_path: Path) -> None:
    from dq.io.database import make, open_source

    proxy = _Proxy(server.port, tmp_path / "cut")
    try:
        # MariaDB's client switches a connection to 127.0.0.1 over to the server's socket
        # unless told not to: the relay would see nothing.
        params = "?prefer_socket=false" if server.kind == "mysql" else ""
        src = open_source(make(server.url(port=proxy.port, params=params), "hoftebrudd", None,
                               "--data-url"))
        proxy.cut()
        with pytest.raises(InputError) as caught:
            src.lf.collect()
    finally:
        proxy.close()
    message = str(caught.value)
    _no_secret(message)
    assert f"127.0.0.1:{proxy.port}" in message and DB_NAME in message
    assert "hoftebrudd" in message and "run dq again" in message


def test_no_password_in_a_subprocess_run(server: Server, tmp_path: Path) -> None:
    """The installed entry point, stderr as a file descriptor: nothing from the drivers' Rust
    side (connectorx's pool log, panic messages) reaches it, and neither does the password."""
    env = {**os.environ, PASSWORD_VAR: PASSWORD + "-feil", "RUST_BACKTRACE": "1"}
    proc = subprocess.run([sys.executable, "-m", "dq", "completeness", "--data-url",
                           server.url(), "--table", "hoftebrudd"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    _no_secret(proc.stdout, proc.stderr)
    env[PASSWORD_VAR] = PASSWORD
    proc = subprocess.run([sys.executable, "-m", "dq", "completeness", "-f", "json",
                           "--data-url", server.url(), "--table", "typer"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode in (0, 1) and proc.stderr.strip() == "", proc.stderr
    _no_secret(proc.stdout, proc.stderr)
    assert not re.search(r"(mysql|postgresql)://[^ \"]*@", proc.stdout)


# ---------------------------------------------------------------- dq init and dq spec check


def _toml(path: Path) -> dict[str, Any]:
    import tomllib

    return tomllib.loads(path.read_text(encoding="utf-8"))


# The [dataset] keys that say where the data are and how a file is read: the rest of the spec
# (roles, variables, checks) must be what dq init drafts from the CSV export of the same table.
WHERE_KEYS = {"name", "files", "format", "encoding", "separator", "url", "table", "query",
              "date_format"}


def test_init_from_the_database_drafts_the_spec_of_the_csv_export(
        server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from urllib.parse import quote

    csv_spec, db_spec = tmp_path / "csv.toml", tmp_path / "db.toml"
    result = run("init", EXAMPLE / "hoftebrudd.csv", "-o", csv_spec)
    assert result.exit_code == 0, result.stderr
    # The password written out in the URL, as a user might paste it: it must go nowhere.
    literal = server.url().replace(f"${{{PASSWORD_VAR}}}", quote(PASSWORD, safe=""))
    result = run("init", "--data-url", literal, "--table", "hoftebrudd", "-o", db_spec)
    assert result.exit_code == 0, result.stderr
    text = db_spec.read_text(encoding="utf-8")
    _no_secret(result.stdout, result.stderr, text)
    assert "DQ_DB_PASSWORD" in result.stderr  # said on stderr, and in the spec's comment
    assert re.search(r"^# TODO: .*\$\{DQ_DB_PASSWORD\}", text, re.MULTILINE)

    csv, db = _toml(csv_spec), _toml(db_spec)
    assert db["dataset"]["url"] == server.url().replace(PASSWORD_VAR, "DQ_DB_PASSWORD")
    assert db["dataset"]["table"] == "hoftebrudd" and "files" not in db["dataset"]
    assert {k: v for k, v in db["dataset"].items() if k not in WHERE_KEYS} == \
        {k: v for k, v in csv["dataset"].items() if k not in WHERE_KEYS}
    assert db["dataset"]["person_id"] == "PasientID" and db["dataset"]["unit"] == "AvdRESH"
    assert len(db["variables"]) == 29
    assert {k: v for k, v in db.items() if k != "dataset"} == \
        {k: v for k, v in csv.items() if k != "dataset"}
    # MariaDB's dates come as ISO text (zero dates stay invalid values); PostgreSQL's are typed.
    assert db["dataset"].get("date_format") == ("%Y-%m-%d" if server.kind == "mysql" else None)

    # The drafted spec runs dq report as it is, with the same results as the CSV export's spec.
    monkeypatch.setenv("DQ_DB_PASSWORD", PASSWORD)
    from_db = _json(run("report", db_spec, "-f", "json"))
    from_csv = _json(run("report", csv_spec, "-f", "json"))
    keys = [k for k in from_csv if k not in ("manifest", "inputs", "spec", "registry")]
    assert "results" in keys and from_db["results"]
    assert {k: from_db[k] for k in keys} == {k: from_csv[k] for k in keys}
    assert from_db["manifest"]["inputs"][0]["rows"] == 20_000
    assert from_db["registry"] == DB_NAME  # [dataset] name: the database's (a TODO to confirm)


def test_init_keeps_the_placeholder_and_spec_check_looks_without_reading(
        server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dq.io import database

    q = '"' if server.kind == "postgresql" else "`"
    query = f"SELECT * FROM typer WHERE {q}Løpenr{q} > 0"
    spec = tmp_path / "dq.toml"
    result = run("init", "--data-url", server.url(), "--query", query, "-o", spec, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    _no_secret(result.stdout, result.stderr, spec.read_text(encoding="utf-8"))
    assert "DQ_DB_PASSWORD" not in result.stderr + spec.read_text(encoding="utf-8")
    drafted = _toml(spec)["dataset"]
    assert (drafted["url"], drafted["query"], drafted["name"]) == (server.url(), query, DB_NAME)
    assert set(_toml(spec)["variables"]) == {"Løpenr", "Høyde_cm", "Målt_dato", "Tidspunkt",
                                             "Røyker", "Merknad_æøå"}

    # dq spec check: one login and LIMIT 0 per database source; no row is read.
    def no_read(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("dq spec check read rows")

    monkeypatch.setattr(database, "_cx_batches", no_read)
    monkeypatch.setattr(database, "_cx_read", no_read)
    result = run("spec", "check", spec, "--lang", "en")
    assert result.exit_code == 0, result.stderr
    assert f"its columns exist in {server.kind} 127.0.0.1:{server.port} {DB_NAME} SELECT#" \
        in result.stdout
    _no_secret(result.stdout, result.stderr)

    # A column the spec names that the table lacks, and a table that is not there: both listed.
    # (This spec's codebook is a table too: loading the spec reads it.)
    monkeypatch.undo()
    text = _spec_from_database(server, tmp_path).read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('person_id = "PasientID"', 'person_id = "PasientId"')
                   .replace('{ url = "' + server.url() + '", table = "enheter" }',
                            '{ url = "' + server.url() + '", table = "enheter_2019" }'),
                   encoding="utf-8")
    result = run("spec", "check", bad, "--lang", "en")
    assert result.exit_code == 2, result.stderr
    _no_secret(result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("dq: error:")]
    assert len(errors) == 2, result.stderr
    assert "'PasientId' is not in table 'hoftebrudd'; did you mean 'PasientID'?" in errors[0] + \
        errors[1]
    assert any("'enheter_2019'" in e and "does not exist" in e and "[units] table" in e
               for e in errors)

    # A wrong password is no problem of the spec: exit 3, one line, as when reading.
    monkeypatch.setenv(PASSWORD_VAR, PASSWORD + "-feil")
    _one_line(run("spec", "check", spec, "--lang", "en"), 3, "127.0.0.1", DB_NAME, "password",
              READER)


def test_the_study_from_the_database_on_the_command_line(server: Server) -> None:
    spec = EXAMPLE / "dq.toml"
    from_files = {}
    for command, table in (("reliability", "interrater"), ("correctness", "validering")):
        files = from_files[command] = _json(run(command, "--spec", spec, "-f", "json"))
        db = _json(run(command, "--spec", spec, "-f", "json", "--study-url", server.url(),
                       "--study-table", table))
        # the same figures; the period is the spec's for its own study file only: a study read
        # from elsewhere (here a database) has none unless one says so
        keys = [k for k in files if k not in ("inputs", "period")]
        assert files["results"] and {k: db[k] for k in keys} == {k: files[k] for k in keys}
        assert (files["period"], db["period"]) == ("2019–2023", None)
        (entry,) = db["inputs"]
        assert (entry["database"]["kind"], entry["database"]["table"]) == (server.kind, table)
        assert entry["rows"] == server.count(table)
    by_query = _json(run("reliability", "--spec", spec, "-f", "json", "--study-url",
                         server.url(), "--study-query", "SELECT * FROM interrater"))
    assert by_query["results"] == from_files["reliability"]["results"]
    assert by_query["inputs"][0]["database"]["query"] == "SELECT * FROM interrater"


def test_study_options_go_together() -> None:
    _one_line(run("reliability", "--study-table", "t"), 2, "--study-url")
    _one_line(run("correctness", "--study-query", "SELECT 1"), 2, "--study-url")
    _one_line(run("correctness", EXAMPLE / "validering.csv", "--study-url", "mysql://u@h/db",
                  "--study-table", "t", "--lang", "en"), 2, "not both")
    _one_line(run("correctness", EXAMPLE / "validering.csv", "--study-url", "mysql://u@h/db",
                  "--study-table", "t"), 2, "oppgi studien én gang: en fil eller --study-url")
    _one_line(run("reliability", "--study-url", "mysql://u@h/db", "--study-query",
                  "DELETE FROM t"), 2, "DELETE")
    _one_line(run("init", "--data-url", "mysql://u@h/db", "--table", "t", "--separator", ";"),
              2, "--separator")
    _one_line(run("init"), 2, "--data-url")


@pytest.mark.parametrize(("given", "written", "replaced"), [
    # A password written out, percent-encoded, or holding an unescaped @: replaced.
    ("mysql://u:s3cret@h:3306/db", "mysql://u:${DQ_DB_PASSWORD}@h:3306/db", True),
    ("postgresql://u:Hem%40lig%2FPw@h/db?sslmode=require",
     "postgresql://u:${DQ_DB_PASSWORD}@h/db?sslmode=require", True),
    ("mysql://u:p@ss@h/db", "mysql://u:${DQ_DB_PASSWORD}@h/db", True),
    # In a parameter: taken out, and the placeholder goes where dq reads a password.
    ("postgresql://u@h/db?password=s3cret&sslmode=require",
     "postgresql://u:${DQ_DB_PASSWORD}@h/db?sslmode=require", True),
    # The user's own placeholders, or no password at all (PGPASSWORD, ~/.pgpass): kept.
    ("mysql://u:${REG_PW}@h/db", "mysql://u:${REG_PW}@h/db", False),
    ("postgresql://${DB_USER}:${DB_PW}@${DB_HOST}/db", "postgresql://${DB_USER}:${DB_PW}@${DB_HOST}/db",
     False),
    ("postgresql://u@h:5433/db", "postgresql://u@h:5433/db", False),
])
def test_spec_url_never_holds_a_password(given: str, written: str, replaced: bool) -> None:
    from dq.io.database import spec_url

    assert spec_url(given) == (written, replaced)
