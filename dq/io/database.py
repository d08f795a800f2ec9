"""Read a registry table (or a query's result) straight from MariaDB/MySQL, PostgreSQL or SQL
Server, as the same LazyFrame a file gives.

The rows come through connectorx (Arrow-native, the engine behind ``polars.read_database_uri``)
as a stream of record batches (``return_type="arrow_stream"``), wrapped as a Polars IO source
(``polars.io.plugins.register_io_source``). So Polars' projection pushdown reaches the SQL: a run
reads only the columns its checks use, batch by batch, and memory stays bounded by the columns a
check keeps, never by the table. ``n_rows`` becomes ``LIMIT``.

Before anything is read in bulk, one connection of the database's own Python driver (PyMySQL,
psycopg; one login attempt, a 10 s timeout) counts the rows: it checks the password, the
database, the table or query and the rights, so a wrong password fails at once with a precise
message. connectorx's connection pool retries a failed login for 30 s, and repeated failed
logins can lock an account (MariaDB ``max_password_errors``, SQL Server's password policy).

Types as dq reads files (CSV): empty and whitespace-only text is missing (null); ``DECIMAL``
becomes Float64; ``BOOLEAN``/``TINYINT(1)`` become 0/1; ``DATE``/``TIMESTAMP`` stay dates in
PostgreSQL and SQL Server. MariaDB/MySQL can hold zero dates (``0000-00-00``, ``2019-00-00``)
that no date type represents (connectorx stops on them), so there every date and datetime column
is read as text (``CAST(col AS CHAR)``): a zero date is then an invalid value, as in a CSV
export, and valid dates are written in the dataset's ``date_format`` when one is declared.

Privacy: the password is expanded from ``${VAR}`` (or taken from ``PGPASSWORD``/``~/.pgpass``,
``MYSQL_PWD``) only into the URL handed to the driver, never kept in a printable field; the
drivers' messages (which may quote the URL, a value or the SQL) are re-worded, and Rust's own
stderr output (connectorx's pool log and panic messages, which can quote a value) is silenced
while connectorx runs. Every query runs in a read-only session, and a query that writes is
refused before it is sent.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import polars as pl

from dq.errors import ConfigError, InputError
from dq.io.readers import (Source, SourceInfo, _blank_to_null, _check_duplicates,
                           _detect_date_formats, _detect_numeric)
from dq.io.sniff import safe_name
from dq.messages import Message

# URL scheme → dq's name for the kind of server.
SCHEMES = {"mysql": "mysql", "mariadb": "mysql", "postgresql": "postgresql",
           "postgres": "postgresql", "mssql": "mssql", "sqlserver": "mssql"}
KIND_NAMES = {"mysql": "MariaDB/MySQL", "postgresql": "PostgreSQL", "mssql": "SQL Server"}
DEFAULT_PORTS = {"mysql": 3306, "postgresql": 5432, "mssql": 1433}
SOURCE_KEYS = {"url", "table", "query"}
BATCH_ROWS = 100_000
CONNECT_TIMEOUT = 10
SAMPLE_ROWS = 10_000

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Words that make a statement write, lock, call code or change the session. A read is SELECT
# (or WITH … SELECT); one of these anywhere outside string literals and quoted names refuses it.
_WRITE_WORDS = ("insert", "update", "delete", "merge", "upsert", "replace", "drop", "alter",
                "create", "truncate", "rename", "grant", "revoke", "comment", "call", "exec",
                "execute", "do", "copy", "load", "handler", "lock", "unlock", "set", "reset",
                "into", "outfile", "dumpfile", "vacuum", "analyze", "cluster", "reindex",
                "refresh", "listen", "notify", "prepare", "deallocate", "begin", "commit",
                "rollback", "savepoint", "release", "start", "use", "kill", "shutdown",
                "flush", "install", "uninstall", "purge", "import", "backup", "restore",
                "bulk", "openrowset", "opendatasource", "openquery", "xp_cmdshell",
                "nextval", "setval", "pg_terminate_backend", "pg_cancel_backend", "lo_import",
                "lo_export", "pg_read_file", "pg_read_binary_file", "dblink", "get_lock")
_WRITE = re.compile(r"\b(" + "|".join(_WRITE_WORDS) + r")\b|\bfor\s+(update|share)\b",
                    re.IGNORECASE)


@dataclass(frozen=True)
class DatabaseSource:
    """A table or query on a database server, as the spec or the command line names it. ``url``
    keeps ``${VAR}`` unexpanded (a password written into it is never shown: the field is left out
    of ``repr``); ``origin`` says where it was named, for messages."""

    url: str = field(repr=False)
    table: str | None = None
    query: str | None = None
    origin: str = "--data-url"

    def __str__(self) -> str:
        return describe(self)

    @property
    def target(self) -> str:
        """The table, or "a query", for messages and labels."""
        return Message("db.table", table=safe_name(self.table)) if self.table \
            else Message("db.the_query")


@dataclass(frozen=True)
class Connection:
    """A DatabaseSource's URL taken apart, with ``${VAR}`` expanded. The password is kept out of
    ``repr`` and out of every message; :meth:`driver_url` puts it back for the driver only."""

    kind: str
    host: str
    port: int
    database: str
    user: str | None
    password: str | None = field(repr=False, default=None)
    params: str = ""

    @property
    def where(self) -> str:
        return Message("db.server", kind=KIND_NAMES[self.kind], host=safe_name(self.host),
                       port=self.port, database=safe_name(self.database))

    def driver_url(self) -> str:
        scheme = {"mysql": "mysql", "postgresql": "postgresql", "mssql": "mssql"}[self.kind]
        auth = ""
        if self.user is not None:
            auth = quote(self.user, safe="")
            if self.password is not None:
                auth += ":" + quote(self.password, safe="")
            auth += "@"
        host = f"[{self.host}]" if ":" in self.host else self.host
        query = f"?{self.params}" if self.params else ""
        return f"{scheme}://{auth}{host}:{self.port}/{quote(self.database, safe='')}{query}"


# ---------------------------------------------------------------- the source as configured


def is_source_table(value: Any) -> bool:
    """A spec value that names a database source rather than a file."""
    return isinstance(value, dict) and "url" in value


def from_spec(value: dict[str, Any], where: str) -> DatabaseSource:
    """``{ url = "…", table = "…" }`` or ``{ url = "…", query = "SELECT …" }`` from the spec.
    Raises ConfigError (exit 2) naming ``where``; a query that writes is refused here, before
    anything is sent."""
    unknown = sorted(set(value) - SOURCE_KEYS)
    if unknown:
        raise ConfigError(Message("db.unknown_keys", where=where, n=len(unknown),
                                  keys=", ".join(map(repr, unknown)),
                                  valid=", ".join(sorted(SOURCE_KEYS))))
    for key in SOURCE_KEYS:
        if key in value and not isinstance(value[key], str):
            raise ConfigError(Message("db.expected_text", where=where, field=key))
    return make(value.get("url"), value.get("table"), value.get("query"), where)


def make(url: str | None, table: str | None, query: str | None, where: str) -> DatabaseSource:
    """A checked DatabaseSource: a URL of a known kind, and exactly one of table and query."""
    if not url or not url.strip():
        raise ConfigError(Message("db.url_empty", where=where))
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme not in SCHEMES:
        raise ConfigError(Message("db.url_scheme", where=where,
                                  schemes=", ".join(s + "://" for s in SCHEMES),
                                  scheme=safe_name(scheme)))
    if (table is None) == (query is None):
        raise ConfigError(Message("db.table_or_query", where=where))
    if table is not None:
        _identifier_parts(table, where)
    if query is not None:
        check_query(query, where)
    src = DatabaseSource(url=url.strip(), table=table, query=query, origin=where)
    connection(src)  # the URL's parts are checked now, the password looked up only when read
    return src


def _identifier_parts(table: str, where: str) -> list[str]:
    parts = table.split(".")
    if not table.strip() or len(parts) > 3 or any(not p.strip() for p in parts) \
            or any(not c.isprintable() for c in table):
        raise ConfigError(Message("db.bad_table", where=where, table=safe_name(table)))
    return [p.strip() for p in parts]


def _strip_sql(sql: str) -> str:
    """The SQL with comments, string literals and quoted names blanked out (so their words are
    not taken for keywords)."""
    pattern = re.compile(r"--[^\n]*|#[^\n]*|/\*.*?(\*/|$)|'(?:[^'\\]|\\.|'')*'?"
                         r"|\"(?:[^\"]|\"\")*\"?|`(?:[^`]|``)*`?|\[[^\]]*\]?|\$\$.*?(\$\$|$)",
                         re.DOTALL)
    return pattern.sub(" x ", sql)


def check_query(sql: str, where: str) -> None:
    """Refuse (exit 2, before anything is sent) a query that is not one read-only SELECT."""
    hint = Message("db.read_only_hint")
    bare = _strip_sql(sql).strip()
    if not bare:
        raise ConfigError(Message("db.query_empty", where=where, hint=hint))
    body = bare.rstrip("; \t\n")
    if ";" in body:
        raise ConfigError(Message("db.query_statements", where=where, hint=hint))
    first = body.split(None, 1)[0].lower().lstrip("(")
    if first not in ("select", "with"):
        raise ConfigError(Message("db.query_not_select", where=where,
                                  word=safe_name(first.upper()), hint=hint))
    found = _WRITE.search(body)
    if found:
        raise ConfigError(Message("db.query_writes", where=where, word=found.group(0).upper(),
                                  hint=hint))


def _expand(text: str, where: str) -> str:
    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        value = os.environ.get(name)
        if value is None:
            raise ConfigError(Message("db.variable_unset", where=where, name=name))
        return value

    return _VAR.sub(sub, text)


def connection(src: DatabaseSource, *, resolve_password: bool = False) -> Connection:
    """The URL's parts, ``${VAR}`` expanded. ``resolve_password``: look up a password the URL
    does not carry (PGPASSWORD, ~/.pgpass, MYSQL_PWD); otherwise the password stays None."""
    where = src.origin
    bad = ConfigError(Message("db.url_form", where=where))
    try:
        parts = urlsplit(src.url)
        port_text = parts.netloc.rsplit("@", 1)[-1]
        port_given = re.search(r":([^:\]]*)$", port_text)
        kind = SCHEMES[parts.scheme.lower()]
        host = _expand(unquote(parts.hostname or ""), where)
        user = _expand(unquote(parts.username), where) if parts.username else None
        password = _expand(unquote(parts.password), where) if parts.password is not None else None
        database = _expand(unquote(parts.path.lstrip("/")), where)
        port_raw = _expand(port_given.group(1), where) if port_given else ""
    except ConfigError:
        raise
    except (ValueError, KeyError):
        raise bad from None
    if not host or not database or "/" in database:
        raise ConfigError(Message("db.url_host", where=where))
    if port_raw and not port_raw.isdigit():
        raise ConfigError(Message("db.port_not_number", where=where))
    port = int(port_raw) if port_raw else DEFAULT_PORTS[kind]
    if not 0 < port < 65536:
        raise ConfigError(Message("db.port_range", where=where, port=port))
    conn = Connection(kind=kind, host=host, port=port, database=database, user=user,
                      password=password, params=parts.query)
    if resolve_password and password is None:
        conn = Connection(kind, host, port, database, user, _client_password(conn), parts.query)
    return conn


def _client_password(conn: Connection) -> str | None:
    """The password the standard clients would use: PGPASSWORD or ~/.pgpass (PGPASSFILE) for
    PostgreSQL, MYSQL_PWD for MariaDB/MySQL."""
    if conn.kind == "mysql":
        return os.environ.get("MYSQL_PWD")
    if conn.kind != "postgresql":
        return None
    if "PGPASSWORD" in os.environ:
        return os.environ["PGPASSWORD"]
    path = Path(os.environ.get("PGPASSFILE") or Path.home() / ".pgpass")
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeError):
        return None
    wanted = (conn.host, str(conn.port), conn.database, conn.user or "")
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = [f.replace("\\:", ":").replace("\\\\", "\\")
                  for f in re.split(r"(?<!\\):", line, maxsplit=4)]
        if len(fields) == 5 and all(f in ("*", w) or (w in ("127.0.0.1", "::1") and f == "localhost")
                                    for f, w in zip(fields[:4], wanted, strict=True)):
            return fields[4]
    return None


# ---------------------------------------------------------------- SQL


def _quote_name(kind: str, name: str) -> str:
    if kind == "mysql":
        return "`" + name.replace("`", "``") + "`"
    if kind == "mssql":
        return "[" + name.replace("]", "]]") + "]"
    return '"' + name.replace('"', '""') + '"'


def relation(src: DatabaseSource, kind: str) -> str:
    """The FROM item: the quoted table, or the query as a derived table."""
    if src.table is not None:
        return ".".join(_quote_name(kind, p) for p in _identifier_parts(src.table, src.origin))
    assert src.query is not None
    return f"({src.query.strip().rstrip(';').strip()}) AS dq_source"


def select_sql(src: DatabaseSource, kind: str, columns: list[str], text_columns: set[str],
               limit: int | None) -> str:
    """SELECT of ``columns`` (MariaDB/MySQL dates in ``text_columns`` as text), LIMIT n."""
    items = []
    for name in columns:
        q = _quote_name(kind, name)
        items.append(f"CAST({q} AS CHAR) AS {q}" if name in text_columns else q)
    top = f"TOP {limit} " if kind == "mssql" and limit is not None else ""
    tail = f" LIMIT {limit}" if kind != "mssql" and limit is not None else ""
    return f"SELECT {top}{', '.join(items) or '*'} FROM {relation(src, kind)}{tail}"


def _read_only(kind: str) -> list[str] | None:
    """Session statements that make every later one read-only (connectorx's pre-execution
    queries; SQL Server has no session-wide switch: ApplicationIntent=ReadOnly in the URL and a
    read-only user)."""
    if kind == "postgresql":
        return ["SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"]
    if kind == "mysql":
        return ["SET SESSION TRANSACTION READ ONLY"]
    return None


# ---------------------------------------------------------------- errors in dq's words


class NotFound(InputError):
    """The table, or a column a query names, is not on the server (exit 3 when reading; for
    ``dq spec check`` a problem of the spec)."""


def _failure(src: DatabaseSource, conn: Connection, exc: BaseException) -> InputError:
    """One line naming server, database and table, saying what failed and how to fix it; the
    driver's own text is never used (it may quote the URL, values or the query)."""
    where = _named(src, conn)
    code, state = _codes(exc)
    user = safe_name(conn.user) if conn.user else Message("db.no_user")
    if code in (1045,) or state in ("28P01", "28000"):
        return InputError(Message("db.login", where=where, user=user))
    if code in (1044, 1049) or state == "3D000":
        return InputError(Message("db.database", where=where, user=user))
    if code in (1146,) or state == "42P01":
        return NotFound(Message("db.no_table", where=where))
    if code in (1054,) or state == "42703":
        return NotFound(Message("db.no_column", where=where))
    if code in (1142, 1143) or state == "42501":
        return InputError(Message("db.grant", where=where, user=user))
    if code in (1064, 1149) or (state or "").startswith("42"):
        return InputError(Message("db.syntax", where=where))
    if code in (2003, 2005, 2006, 2013, 2055) or state in ("08001", "08006", "08004") \
            or _looks_unreachable(exc):
        return InputError(Message("db.unreachable", where=where))
    if state == "25006" or code == 1792:
        return InputError(Message("db.wrote", where=where))
    return InputError(Message("db.failed", where=where))


def _codes(exc: BaseException) -> tuple[int | None, str | None]:
    """The MySQL error number or the SQLSTATE of a driver exception, if it has one."""
    state = getattr(exc, "sqlstate", None)
    args = getattr(exc, "args", ())
    code = args[0] if args and isinstance(args[0], int) else None
    if code is None and not isinstance(state, str):
        # Messages without a code (psycopg's connection errors, connectorx's): classified by
        # their wording here, never shown.
        text = str(exc)
        found = re.search(r"ERROR (\d{4}) \(([0-9A-Z]{5})\)", text)
        if found:
            return int(found.group(1)), found.group(2)
        for pattern, sqlstate in _CONNECT_WORDING:
            if re.search(pattern, text, re.IGNORECASE):
                return None, sqlstate
    return code, state if isinstance(state, str) else None


_CONNECT_WORDING = (
    (r"password authentication failed|no password supplied|authentication failed|"
     r"password is required|Login failed for user", "28P01"),
    (r"database \S+ does not exist|Cannot open database", "3D000"),
    (r"relation \S+ does not exist|Invalid object name", "42P01"),
    (r"column \S+ does not exist|Invalid column name", "42703"),
    (r"permission denied", "42501"),
)


def _looks_unreachable(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("connection refused", "could not connect", "timed out",
                                   "connection reset", "broken pipe", "closed", "lookup address",
                                   "name or service not known", "could not translate host",
                                   "unexpected eof", "server has gone away", "lost connection",
                                   "no route to host", "network is unreachable"))


# ---------------------------------------------------------------- the first look: one login


def _preflight(src: DatabaseSource, conn: Connection,
               names: bool = False) -> tuple[list[str], set[str], set[str]]:
    """Log in once with the database's own driver (fails fast: a wrong password is one failed
    attempt, not 30 s of retries) in a read-only session and ask for the table's (or query's)
    columns without reading a row: this checks the login, the database, the table or query and
    the rights. Returns, for MariaDB/MySQL, the column names and the DATE and DATETIME/TIMESTAMP
    columns among them (read as text); for PostgreSQL the column names only with ``names``."""
    sql = f"SELECT * FROM {relation(src, conn.kind)} LIMIT 0"
    try:
        if conn.kind == "postgresql":
            import psycopg

            with psycopg.connect(host=conn.host, port=conn.port, dbname=conn.database,
                                 user=conn.user, password=conn.password or "",
                                 connect_timeout=CONNECT_TIMEOUT,
                                 options="-c default_transaction_read_only=on") as db:
                found = db.execute(sql).description or ()
            return [d.name for d in found] if names else [], set(), set()
        if conn.kind == "mysql":
            import pymysql
            from pymysql.constants import FIELD_TYPE

            db = pymysql.connect(host=conn.host, port=conn.port, user=conn.user or "",
                                 password=conn.password or "", database=conn.database,
                                 connect_timeout=CONNECT_TIMEOUT, charset="utf8mb4")
            try:
                with db.cursor() as cur:
                    cur.execute("SET SESSION TRANSACTION READ ONLY")
                    cur.execute(sql)
                    described = [(d[0], d[1]) for d in cur.description or ()]
            finally:
                db.close()
            dates = {n for n, t in described if t in (FIELD_TYPE.DATE, FIELD_TYPE.NEWDATE)}
            datetimes = {n for n, t in described
                         if t in (FIELD_TYPE.DATETIME, FIELD_TYPE.TIMESTAMP)}
            return [n for n, _ in described], dates, datetimes
    except Exception as exc:  # noqa: BLE001 - every driver error is re-worded
        raise _failure(src, conn, exc) from None
    return [], set(), set()  # SQL Server: connectorx alone; its pool retries a failed login


def column_names(src: DatabaseSource) -> list[str]:
    """The columns of the table or query, from one login and a ``LIMIT 0`` query: no row is
    read (``dq spec check``). Raises NotFound when the table is not there, InputError (exit 3)
    for every other failure, ConfigError for a bad URL."""
    conn = connection(src, resolve_password=True)
    if conn.kind == "mssql":
        return list(_cx_read(src, conn, f"SELECT TOP 0 * FROM {relation(src, conn.kind)}")
                    .column_names)
    return _preflight(src, conn, names=True)[0]


def _count(src: DatabaseSource, conn: Connection) -> int:
    """The rows of the table or query, counted on the server."""
    table = _cx_read(src, conn, f"SELECT COUNT(*) AS n FROM {relation(src, conn.kind)}")
    return int(table.column(0)[0].as_py())


# ---------------------------------------------------------------- connectorx, quietly

_stderr_lock = threading.Lock()
_stderr_users = 0
_stderr_saved: int | None = None


@contextmanager
def _quiet_rust_stderr() -> Iterator[None]:
    """File descriptor 2 pointed at /dev/null while connectorx runs: its pool logs failed logins
    and a Rust panic prints its message (which can quote a value) straight to stderr. Python's
    own stderr lines resume when the last reader is done."""
    global _stderr_users, _stderr_saved
    with _stderr_lock:
        if _stderr_users == 0:
            try:
                _stderr_saved = os.dup(2)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            except OSError:
                _stderr_saved = None
        _stderr_users += 1
    try:
        yield
    finally:
        with _stderr_lock:
            _stderr_users -= 1
            if _stderr_users == 0 and _stderr_saved is not None:
                os.dup2(_stderr_saved, 2)
                os.close(_stderr_saved)
                _stderr_saved = None


def _cx_read(src: DatabaseSource, conn: Connection, sql: str) -> Any:
    """A whole (small) result as an Arrow table."""
    import connectorx as cx

    try:
        with _quiet_rust_stderr():
            return cx.read_sql(conn.driver_url(), sql, return_type="arrow",
                               pre_execution_query=_read_only(conn.kind))
    except BaseException as exc:  # noqa: BLE001 - pyo3's PanicException is a BaseException
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise _failure(src, conn, exc) from None


def _cx_batches(src: DatabaseSource, conn: Connection, sql: str,
                batch_rows: int) -> Iterator[Any]:
    """The result as Arrow record batches, streamed."""
    import connectorx as cx

    try:
        with _quiet_rust_stderr():
            reader = cx.read_sql(conn.driver_url(), sql, return_type="arrow_stream",
                                 batch_size=batch_rows, pre_execution_query=_read_only(conn.kind))
        while True:
            with _quiet_rust_stderr():
                batch = next(reader, None)
            if batch is None:
                return
            yield batch
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit):
            raise
        raise _failure(src, conn, exc) from None


# ---------------------------------------------------------------- types


def _to_dq(df: pl.DataFrame, date_format: str | None, date_columns: set[str]) -> pl.DataFrame:
    """Database types as dq reads them: decimals as Float64, booleans as 0/1, MariaDB/MySQL dates
    (text) in the dataset's date format where valid, the raw text where not (a zero date)."""
    exprs = []
    for name, dtype in df.schema.items():
        col = pl.col(name)
        if isinstance(dtype, pl.Decimal):
            exprs.append(col.cast(pl.Float64))
        elif dtype == pl.Boolean:
            exprs.append(col.cast(pl.Int8))
        elif name in date_columns and date_format:
            parsed = col.str.to_date("%Y-%m-%d", strict=False)
            exprs.append(pl.when(parsed.is_not_null()).then(parsed.dt.strftime(date_format))
                         .otherwise(col).alias(name))
    return df.with_columns(exprs) if exprs else df


def _schema(arrow_schema: Any) -> dict[str, pl.DataType]:
    """dq's schema of the source: decimals as Float64, booleans as 0/1."""
    empty = pl.from_arrow(arrow_schema.empty_table())
    assert isinstance(empty, pl.DataFrame)
    schema: dict[str, pl.DataType] = {}
    for name, dtype in empty.schema.items():
        if isinstance(dtype, pl.Decimal):
            schema[name] = pl.Float64()
        elif dtype == pl.Boolean:
            schema[name] = pl.Int8()
        else:
            schema[name] = dtype
    return schema


# ---------------------------------------------------------------- the source


@dataclass
class DatabaseInfo(SourceInfo):
    """What was read from a database. ``path`` is a label (no file); the manifest records kind,
    host, port, database, user, table or query text and the query's sha256, the row count and
    when the source was opened — never the password or the URL. ``rows`` is the count of the
    first whole read (every later whole read must give the same); a manifest asked for before
    any whole read counts on the server."""

    database: dict[str, Any] = field(default_factory=dict)
    statement_sha256: str = ""
    counter: Any = field(default=None, repr=False)

    @property
    def sha256(self) -> str:
        return self.statement_sha256

    def manifest(self) -> dict[str, object]:
        if self.rows is None and self.counter is not None:
            self.rows = self.counter()
        return {"path": str(self.path), "format": self.format, "rows": self.rows,
                "sha256": self.sha256, "database": self.database}


def label(src: DatabaseSource, conn: Connection) -> str:
    """How the source is named in messages and reports: one line, no slash, no credentials."""
    # A query is named by its statement's hash (language-neutral: the label stands in reports).
    what = safe_name(src.table) if src.table else "SELECT#" + _sha(src.query or "")[:12]
    return safe_name(f"{conn.kind} {conn.host}:{conn.port} {conn.database} {what}").replace("/", "∕")


def _named(src: DatabaseSource, conn: Connection) -> str:
    """Server, database, table or query and where the spec or command line named it."""
    return Message("db.source", server=conn.where, target=src.target, origin=src.origin)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def open_source(src: DatabaseSource, *, date_format: str | None = None,
                batch_rows: int = BATCH_ROWS) -> Source:
    """The table or query as a Source: a LazyFrame whose reads go to the server (only the
    columns a plan uses, in batches of ``batch_rows``), and its manifest entry. Raises InputError
    (exit 3) naming server, database and table; ConfigError (exit 2) for a bad URL."""
    conn = connection(src, resolve_password=True)
    described, dates, datetimes = _preflight(src, conn)
    text_dates = dates | datetimes
    read_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    # One read gives the schema (as streamed: PostgreSQL INTEGER comes as int64) and the sample
    # that tells which text columns hold dates or numbers, as for a CSV export.
    first = list(_cx_batches(src, conn, select_sql(src, conn.kind, described, text_dates,
                                                   SAMPLE_ROWS), SAMPLE_ROWS))
    if not first:
        raise InputError(Message("db.nothing_back", where=_named(src, conn)))
    schema = _schema(first[0].schema)
    names = list(schema)
    where = label(src, conn)
    _check_duplicates(Path(where), names)
    sample_rows = sum(b.num_rows for b in first)
    if sample_rows == 0:
        raise InputError(Message("db.no_rows", where=_named(src, conn)))
    statement = src.query if src.query is not None else select_sql(src, conn.kind, names,
                                                                   text_dates, None)
    db: dict[str, Any] = {"kind": conn.kind, "host": conn.host, "port": conn.port,
                          "database": conn.database, "user": conn.user, "read_at": read_at}
    db["table" if src.table is not None else "query"] = src.table if src.table is not None \
        else src.query
    # Whitespace-only text is null as it streams in (``_blank_to_null`` below): blank free.
    info = DatabaseInfo(path=Path(where), format=conn.kind, rows=None, columns=names,
                        blank_free=True, database=db, statement_sha256=_sha(statement),
                        counter=lambda: _count(src, conn))

    def batches(with_columns: list[str] | None, predicate: pl.Expr | None, n_rows: int | None,
                batch_size: int | None) -> Iterator[pl.DataFrame]:
        columns = list(with_columns) if with_columns is not None else names
        read = columns if predicate is None else sorted(
            set(columns) | set(predicate.meta.root_names()), key=names.index)
        sql = select_sql(src, conn.kind, read or names[:1], text_dates,
                         n_rows if predicate is None else None)
        left = n_rows
        seen = 0
        for batch in _cx_batches(src, conn, sql, batch_rows):
            seen += batch.num_rows
            df = pl.from_arrow(batch)
            assert isinstance(df, pl.DataFrame)
            df = _to_dq(df, date_format, dates).cast({n: schema[n] for n in df.columns})
            if predicate is not None:
                df = df.filter(predicate)
            df = df.select(columns) if columns else df
            if left is not None:
                df = df.head(left)
                left -= df.height
            yield df
            if left is not None and left <= 0:
                return
        if predicate is None and n_rows is None:
            if info.rows is None:
                info.rows = seen
            elif seen != info.rows:
                # Every whole read must give the same rows: fewer is a connection that ended
                # early, a different number a table that changed between dq's reads.
                raise InputError(Message("db.rows_changed", where=_named(src, conn),
                                         before=info.rows, now=seen))

    lf = pl.io.plugins.register_io_source(batches, schema=schema, is_pure=True,
                                          explain_name="dq-database",
                                          explain_detail=where)
    lf = _blank_to_null(lf)
    text = [n for n, t in schema.items() if t == pl.String]
    if text:  # as for a CSV export: text columns that hold dates or numbers are read as such
        frame = pl.from_arrow(pyarrow_table(first))
        assert isinstance(frame, pl.DataFrame)
        sample = _blank_to_null(_to_dq(frame, date_format, dates).lazy()).select(text).collect()
        info.date_formats = _detect_date_formats(sample)
        info.numeric_columns = _detect_numeric(sample)
        for name in dates:  # valid dates were written in the declared format
            if date_format:
                info.date_formats[name] = date_format
    return Source(lf, [info])


def read_once(source: Source, columns: set[str] | None) -> Source:
    """``source`` with its database tables read once, into a private local copy.

    A report asks many questions of the export (completeness, codes per year, verification,
    coverage, timeliness…); each would be a query of its own on the registry's server. The
    columns the spec names (``columns``; None: every column) are read once, streamed in
    batches, into a Parquet file that has no name on disk and is readable only by this process
    (``dq.tempfiles.unlinked_file``: it disappears however dq ends), and every question is asked
    of that copy. Sources that are not from a database are returned as they are."""
    if not any(isinstance(info, DatabaseInfo) for info in source.infos):
        return source
    from dq.tempfiles import unlinked_file

    names = source.raw.collect_schema().names()
    keep = [n for n in names if columns is None or n in columns] or names[:1]
    _fd, path = unlinked_file(prefix="dq-db-")
    source.raw.select(keep).sink_parquet(path, compression="lz4", statistics=False)
    return replace(source, raw=pl.scan_parquet(path))


def pyarrow_table(batches: list[Any]) -> Any:
    import pyarrow as pa

    return pa.Table.from_batches(batches)


def describe(src: DatabaseSource) -> str:
    """The source in one line for messages (no credentials), without connecting."""
    try:
        conn = connection(src)
    except ConfigError:
        return Message("db.the_source", origin=src.origin)
    return Message("db.described", server=conn.where, target=src.target)


def spec_url(url: str) -> tuple[str, bool]:
    """The URL as a spec may hold it: ``${VAR}`` placeholders kept, a password written out
    (in the URL's user part, or a ``password=`` parameter) replaced by ``${DQ_DB_PASSWORD}``.
    Returns (url, whether a password was replaced)."""
    parts = urlsplit(url)
    head = len(parts.scheme) + 3
    netloc, rest = parts.netloc, url[head + len(parts.netloc):]
    replaced = False
    if "@" in netloc:
        userinfo, hostport = netloc.rsplit("@", 1)
        user, colon, password = userinfo.partition(":")
        if colon and password and not _VAR.search(password):
            password, replaced = PASSWORD_PLACEHOLDER, True
        netloc = f"{user}{colon}{password}@{hostport}"
    if parts.query:
        kept = []
        for item in parts.query.split("&"):
            key, _, value = item.partition("=")
            if unquote(key).strip().lower() in ("password", "pwd", "pass", "passwd") \
                    and not _VAR.search(value):
                replaced = True
                continue
            kept.append(item)
        if len(kept) != len(parts.query.split("&")):
            rest = rest.replace("?" + parts.query, "?" + "&".join(kept) if kept else "", 1)
            if "@" not in netloc:  # the password moves to where dq reads it from
                netloc = f":{PASSWORD_PLACEHOLDER}@{netloc}"
            elif ":" not in netloc.rsplit("@", 1)[0]:
                user, hostport = netloc.rsplit("@", 1)
                netloc = f"{user}:{PASSWORD_PLACEHOLDER}@{hostport}"
    return url[:head] + netloc + rest, replaced


PASSWORD_PLACEHOLDER = "${DQ_DB_PASSWORD}"


__all__ = ["DatabaseInfo", "DatabaseSource", "NotFound", "check_query", "column_names",
           "describe", "from_spec", "is_source_table", "make", "open_source", "read_once",
           "spec_url"]
