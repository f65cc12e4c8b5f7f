"""The CSV export connector: real files in a temp folder and a real SFTP server on loopback."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import datetime, timezone

import paramiko
import pytest

from connectors.errors import (
    ConfigError,
    PermanentDeliveryError,
    RetryableDeliveryError,
)
from connectors.plugins import create_connector
from tests.support.sftp_server import SftpServer

COLUMNS = [
    {"key": "employee_id", "header": "工号"},
    {"key": "name", "header": "姓名"},
    {"key": "goal", "header": "目标"},
    {"key": "target", "header": "目标值"},
]


def payload(employee_id: str, name: str = "张伟", goal: str = "季度数据报告完成率", target=95) -> dict:
    return {"columns": COLUMNS, "rows": [{"employee_id": employee_id, "name": name, "goal": goal, "target": target}]}


def folder_connector(folder, **config):
    folder.mkdir(exist_ok=True)
    return create_connector("csv", {"destination": {"type": "folder", "path": str(folder)}, **config})


def committed_files(folder):
    return sorted(path for path in folder.iterdir() if path.suffix == ".csv")


def read_rows(path, encoding="utf-8-sig", delimiter=","):
    with open(path, encoding=encoding, newline="") as handle:
        return list(csv.reader(handle, delimiter=delimiter))


def test_utf8_with_bom_reads_back(tmp_path, make_context):
    connector = folder_connector(tmp_path / "out")
    connector.deliver_batch([(make_context(), payload("E1")), (make_context(), payload("E2", "李娜", target=88.5))])
    [file] = committed_files(tmp_path / "out")
    assert file.read_bytes().startswith(b"\xef\xbb\xbf")
    assert read_rows(file) == [
        ["工号", "姓名", "目标", "目标值"],
        ["E1", "张伟", "季度数据报告完成率", "95"],
        ["E2", "李娜", "季度数据报告完成率", "88.5"],
    ]


def test_gb18030_reads_back(tmp_path, make_context):
    connector = folder_connector(tmp_path / "out", encoding="gb18030")
    connector.deliver_batch([(make_context(), payload("E1"))])
    [file] = committed_files(tmp_path / "out")
    content = file.read_bytes()
    assert "姓名".encode("gb18030") in content
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    assert read_rows(file, encoding="gb18030")[1] == ["E1", "张伟", "季度数据报告完成率", "95"]


def test_formula_injection_is_escaped(tmp_path, make_context):
    columns = [{"key": "value", "header": "=HEADER()"}]
    dangerous = ["=SUM(A1:A9)", "+1+1", "-2+3", "@cmd", "\tTAB", "\rCR", "plain", "a=b"]
    rows = [{"value": value} for value in dangerous] + [{"value": -5}, {"value": None}]
    connector = folder_connector(tmp_path / "out")
    connector.deliver_batch([(make_context(), {"columns": columns, "rows": rows})])
    [file] = committed_files(tmp_path / "out")
    cells = [row[0] for row in read_rows(file)]
    assert cells == [
        "'=HEADER()",
        "'=SUM(A1:A9)",
        "'+1+1",
        "'-2+3",
        "'@cmd",
        "'\tTAB",
        "'\rCR",
        "plain",
        "a=b",
        "-5",
        "",
    ]


def test_delimiter_and_quoting_are_configurable(tmp_path, make_context):
    connector = folder_connector(tmp_path / "out", delimiter=";", quoting="all", line_terminator="\n")
    connector.deliver_batch([(make_context(), payload("E1", name="Wang; Wei"))])
    [file] = committed_files(tmp_path / "out")
    lines = file.read_bytes().decode("utf-8-sig").split("\n")
    assert lines[1] == '"E1";"Wang; Wei";"季度数据报告完成率";"95"'
    assert read_rows(file, delimiter=";")[1][1] == "Wang; Wei"


def test_folder_commit_is_atomic_with_a_verifiable_manifest(tmp_path, make_context):
    folder = tmp_path / "out"
    contexts = [make_context() for _ in range(3)]
    connector = folder_connector(folder)
    results = connector.deliver_batch([(context, payload(f"E{n}")) for n, context in enumerate(contexts)])
    [file] = committed_files(folder)
    manifest = json.loads((folder / (file.name + ".manifest.json")).read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    assert manifest["rows"] == 3 == len(read_rows(file)) - 1
    assert manifest["job_ids"] == [context.job_id for context in contexts]
    assert sorted(path.name for path in folder.iterdir()) == [file.name, file.name + ".manifest.json"]
    assert [result.remote_id for result in results] == [file.name] * 3
    assert manifest["sha256"] in results[0].response_excerpt


def test_the_file_name_depends_only_on_the_job_ids(tmp_path):
    connector = folder_connector(tmp_path / "out", file_prefix="goals")
    assert connector.file_name(["b", "a"]) == connector.file_name(["a", "b"])
    assert connector.file_name(["a"]) != connector.file_name(["a", "b"])
    assert connector.file_name(["a"]).startswith("goals-")


def test_a_rerun_never_duplicates_delivered_rows(tmp_path, make_context):
    folder = tmp_path / "out"
    first, second, third = make_context(), make_context(), make_context()
    batch = [(first, payload("E1")), (second, payload("E2"))]
    connector = folder_connector(folder)
    connector.deliver_batch(batch)
    again = folder_connector(folder).deliver_batch(batch)  # a new process re-running the same batch
    assert len(committed_files(folder)) == 1
    assert all("already delivered" in result.response_excerpt for result in again)
    results = connector.deliver_batch(batch + [(third, payload("E3"))])
    files = committed_files(folder)
    assert len(files) == 2
    rows = [row[0] for file in files for row in read_rows(file)[1:]]
    assert sorted(rows) == ["E1", "E2", "E3"]
    assert results[0].remote_id == again[0].remote_id != results[2].remote_id


def test_a_committed_file_without_manifest_is_not_rewritten(tmp_path, make_context):
    folder = tmp_path / "out"
    batch = [(make_context(), payload("E1"))]
    connector = folder_connector(folder)
    connector.deliver_batch(batch)
    [file] = committed_files(folder)
    manifest = folder / (file.name + ".manifest.json")
    manifest.unlink()  # as if the process died between the data file's rename and the manifest's
    result = folder_connector(folder).deliver_batch(batch)[0]
    assert "already committed" in result.response_excerpt
    assert manifest.exists() and committed_files(folder) == [file]


def test_payloads_that_do_not_fit_fail_the_whole_batch(tmp_path, make_context):
    connector = folder_connector(tmp_path / "out")
    other_columns = {"columns": COLUMNS[:2], "rows": [{"employee_id": "E9", "name": "x"}]}
    with pytest.raises(PermanentDeliveryError, match="columns differ"):
        connector.deliver_batch([(make_context(), payload("E1")), (make_context(), other_columns)])
    with pytest.raises(PermanentDeliveryError, match=r"/rows/0 has fields \['salary'\]"):
        connector.deliver_batch([(make_context(), {"columns": COLUMNS, "rows": [{"salary": 1}]})])
    with pytest.raises(PermanentDeliveryError, match="CSV payload cannot be sent"):
        connector.deliver_batch([(make_context(), {"rows": []})])
    assert list((tmp_path / "out").iterdir()) == []


def test_prepare_shows_the_file(tmp_path, make_context):
    prepared = folder_connector(tmp_path / "out").prepare(payload("E1"), make_context())
    assert prepared.body.splitlines()[0] == "工号,姓名,目标,目标值"
    assert prepared.url.startswith("file://") and prepared.url.endswith(".csv")
    assert list((tmp_path / "out").iterdir()) == []


def test_check_a_folder(tmp_path):
    assert folder_connector(tmp_path / "out").check().ok
    missing = create_connector("csv", {"destination": {"type": "folder", "path": str(tmp_path / "nope")}})
    result = missing.check()
    assert not result.ok and "does not exist" in result.message


# ---- schedule ----------------------------------------------------------------------------------


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 5, 4, hour, minute, tzinfo=timezone.utc)


def test_batch_due_on_cron(tmp_path):
    connector = folder_connector(tmp_path / "out", schedule={"cron": "0 */2 * * *"})
    assert not connector.batch_due(0, None, at(1), at(9))
    assert not connector.batch_due(5, at(2, 5), at(2), at(3, 59))
    assert connector.batch_due(5, at(2, 5), at(2), at(4))
    assert connector.batch_due(1, at(1, 30), None, at(2))
    assert not connector.batch_due(1, at(2, 30), None, at(3))


def test_batch_due_in_another_time_zone(tmp_path):
    connector = folder_connector(tmp_path / "out", schedule={"cron": "0 2 * * *", "timezone": "Asia/Shanghai"})
    # 02:00 in Shanghai is 18:00 UTC the day before.
    assert connector.batch_due(1, at(17), at(17), at(18))
    assert not connector.batch_due(1, at(1), at(1), at(3))


def test_batch_due_on_job_count(tmp_path):
    connector = folder_connector(tmp_path / "out", schedule={"cron": "0 0 1 1 *", "batch_size": 100})
    assert not connector.batch_due(99, at(1), at(1), at(2))
    assert connector.batch_due(100, at(1), at(1), at(2))
    assert folder_connector(tmp_path / "out").batch_due(1, at(1), None, at(1))


def test_an_invalid_cron_expression_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError) as raised:
        folder_connector(tmp_path / "out", schedule={"cron": "61 * * * *"})
    assert raised.value.pointer == "/schedule/cron"


# ---- SFTP --------------------------------------------------------------------------------------


@pytest.fixture
def sftp_server(tmp_path):
    root = tmp_path / "sftp-root"
    (root / "inbox").mkdir(parents=True)
    with SftpServer(root, username="hr", password="sftp-pass", host_key=paramiko.ECDSAKey.generate()) as server:
        yield server


def sftp_connector(server, **destination):
    return create_connector(
        "csv",
        {
            "destination": {
                "type": "sftp",
                "host": "127.0.0.1",
                "port": server.port,
                "username": "hr",
                "password": "sftp-pass",
                "host_key": server.host_key_line,
                "remote_dir": "/inbox",
                "timeout": 5,
                **destination,
            }
        },
    )


def test_sftp_upload_goes_to_part_then_renamed(sftp_server, make_context):
    connector = sftp_connector(sftp_server)
    assert connector.check().ok
    [result] = connector.deliver_batch([(make_context(), payload("E1"))])
    name = result.remote_id
    writes = [
        operation
        for operation in sftp_server.operations
        if operation[0] in ("open", "posix_rename") and operation[-1] != "r"
    ]
    assert writes[:2] == [
        ("open", f"/inbox/{name}.part", "w"),
        ("posix_rename", f"/inbox/{name}.part", f"/inbox/{name}"),
    ]
    stored = sftp_server.root / "inbox" / name
    manifest = json.loads((sftp_server.root / "inbox" / f"{name}.manifest.json").read_text(encoding="utf-8"))
    assert manifest["sha256"] == hashlib.sha256(stored.read_bytes()).hexdigest()
    assert read_rows(stored)[1][0] == "E1"
    assert not list((sftp_server.root / "inbox").glob("*.part"))


def test_a_stopped_sftp_server_is_retryable(sftp_server, make_context):
    connector = sftp_connector(sftp_server)
    sftp_server.stop()
    with pytest.raises(RetryableDeliveryError, match="refused"):
        connector.deliver_batch([(make_context(), payload("E1"))])


def test_a_failed_upload_retries_the_whole_file(sftp_server, make_context):
    batch = [(make_context(), payload("E1")), (make_context(), payload("E2"))]
    connector = sftp_connector(sftp_server)
    sftp_server.fail_renames = True
    with pytest.raises(RetryableDeliveryError):
        connector.deliver_batch(batch)
    inbox = sftp_server.root / "inbox"
    assert [path.suffix for path in inbox.iterdir()] == [".part"]
    sftp_server.fail_renames = False
    connector.deliver_batch(batch)
    connector.deliver_batch(batch)
    [file] = committed_files(inbox)
    assert [row[0] for row in read_rows(file)[1:]] == ["E1", "E2"]
    assert not list(inbox.glob("*.part"))


def test_sftp_wrong_password_and_wrong_host_key_are_permanent(sftp_server, make_context):
    with pytest.raises(PermanentDeliveryError, match="refused the login"):
        sftp_connector(sftp_server, password="wrong").deliver_batch([(make_context(), payload("E1"))])
    impostor = paramiko.ECDSAKey.generate()
    with pytest.raises(PermanentDeliveryError, match="host key"):
        sftp_connector(sftp_server, host_key=f"{impostor.get_name()} {impostor.get_base64()}").deliver_batch(
            [(make_context(), payload("E1"))]
        )
    assert list((sftp_server.root / "inbox").iterdir()) == []


def test_sftp_login_with_a_private_key(tmp_path, make_context):
    client_key = paramiko.ECDSAKey.generate()
    pem = io.StringIO()
    client_key.write_private_key(pem)
    with SftpServer(tmp_path / "root", password=None, authorized_key=client_key) as server:
        connector = create_connector(
            "csv",
            {
                "destination": {
                    "type": "sftp",
                    "host": "127.0.0.1",
                    "port": server.port,
                    "username": "hr",
                    "private_key": pem.getvalue(),
                    "host_key": server.host_key_line,
                }
            },
        )
        [result] = connector.deliver_batch([(make_context(), payload("E1"))])
        assert (tmp_path / "root" / result.remote_id).is_file()


def test_check_names_sftp_problems(sftp_server):
    assert "refused the login" in sftp_connector(sftp_server, password="wrong").check().message
    assert not sftp_connector(sftp_server, remote_dir="/missing").check().ok
