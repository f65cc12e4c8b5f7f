"""Runs inside the sandbox (stdlib only, started with `python -I -S -c`): sets limits, then runs or analyses the code.

Everything after the candidate's code starts is the candidate's claim: the host judges return values against
answers that never enter the sandbox, and measures time and limits itself.
"""

import ast
import io
import json
import os
import resource
import signal
import sys

READY = b"\x00harness-ready\n"
RESULT = "\x00harness-result "
KEPT_PRINT_CHARS = 2000


def set_limits(limits):
    seconds = int(limits["time_seconds"]) + 1
    memory = limits["memory_mb"] * 1024 * 1024
    for which, value in (
        (resource.RLIMIT_CPU, (seconds, seconds + 1)),
        (resource.RLIMIT_AS, (memory, memory)),
        (resource.RLIMIT_NPROC, (limits["max_processes"], limits["max_processes"])),
        (resource.RLIMIT_FSIZE, (limits["file_bytes"], limits["file_bytes"])),
        (resource.RLIMIT_NOFILE, (limits["open_files"], limits["open_files"])),
        (resource.RLIMIT_CORE, (0, 0)),
    ):
        resource.setrlimit(which, value)


class Capped(io.TextIOBase):
    """What the code prints: the first KEPT_PRINT_CHARS kept for evidence, the rest counted."""

    def __init__(self):
        self.kept = []
        self.size = 0

    def writable(self):
        return True

    def write(self, text):
        text = str(text)
        if self.size < KEPT_PRINT_CHARS:
            self.kept.append(text[: KEPT_PRINT_CHARS - self.size])
        self.size += len(text)
        return len(text)


def nesting(node, depth=0):
    blocks = (ast.If, ast.For, ast.While, ast.With, ast.Try, ast.AsyncFor, ast.AsyncWith)
    inner = depth + 1 if isinstance(node, blocks) else depth
    return max([inner] + [nesting(child, inner) for child in ast.iter_child_nodes(node)])


def analyse(request):
    """Static facts about the code; runs none of it."""
    try:
        tree = ast.parse(request["code"], filename="solution.py")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        line = getattr(error, "lineno", None)
        return {
            "status": "syntax_error",
            "message": f"{type(error).__name__}: {getattr(error, 'msg', error)}",
            "line": line,
        }
    functions = [node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]
    forbidden = set(request["forbidden_calls"])
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = node.func
            name = (
                target.id
                if isinstance(target, ast.Name)
                else target.attr
                if isinstance(target, ast.Attribute)
                else None
            )
            if name in forbidden:
                used.add(name)
    return {
        "status": "ok",
        "defines_entry": any(function.name == request["entry"] for function in functions),
        "forbidden_used": sorted(used),
        "longest_function": max((function.end_lineno - function.lineno + 1 for function in functions), default=0),
        "max_nesting": nesting(tree),
        "bare_excepts": sum(isinstance(node, ast.ExceptHandler) and node.type is None for node in ast.walk(tree)),
        "global_statements": sum(isinstance(node, ast.Global) for node in ast.walk(tree)),
    }


class Expired(BaseException):
    """The wall-clock alarm: a BaseException so a plain `except Exception` in the code does not swallow it."""


def on_alarm(signum, frame):
    raise Expired()


def run(request, printed):
    namespace = {"__name__": "solution"}
    seconds = request["limits"]["time_seconds"]
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        exec(compile(request["code"], "solution.py", "exec"), namespace)  # noqa: S102 - inside the sandbox, by design
        function = namespace.get(request["entry"])
        if not callable(function):
            return {"status": "error", "type": "NameError", "message": f"no function named {request['entry']!r}"}
        value = function(*request["args"])
        signal.setitimer(signal.ITIMER_REAL, 0)
    except Expired:
        return {"status": "timeout"}
    except MemoryError:
        return {"status": "error", "type": "MemoryError", "message": "out of memory (address-space limit)"}
    except BaseException as error:  # noqa: BLE001 - the candidate's failure, whatever it is, is the result
        signal.setitimer(signal.ITIMER_REAL, 0)
        line = None
        trace = error.__traceback__
        while trace is not None:
            if trace.tb_frame.f_code.co_filename == "solution.py":
                line = trace.tb_lineno
            trace = trace.tb_next
        return {"status": "error", "type": type(error).__name__, "message": str(error)[:300], "line": line}
    try:
        return {"status": "ok", "value": json.loads(json.dumps(value))}
    except (TypeError, ValueError, RecursionError) as error:
        return {
            "status": "error",
            "type": "TypeError",
            "message": f"the return value is not plain data ({error})"[:300],
        }


def main():
    real_stdout = sys.stdout
    os.write(1, READY)
    request = json.loads(sys.stdin.buffer.read())
    sys.stdin = io.StringIO("")
    if request["mode"] == "analyse":
        set_limits(request["limits"])
        result = analyse(request)
    else:
        sys.setrecursionlimit(request.get("recursion_limit", 10000))
        set_limits(request["limits"])
        printed = Capped()
        sys.stdout = sys.stderr = printed
        result = run(request, printed)
        sys.stdout = real_stdout
        result["printed"] = "".join(printed.kept)
        result["printed_chars"] = printed.size
    real_stdout.write(RESULT + json.dumps(result) + "\n")
    real_stdout.flush()
    # No waiting for threads the code left running, no atexit hooks it registered.
    os._exit(0)


main()
