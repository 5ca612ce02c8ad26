#!/usr/bin/env python3
"""libpaiban from Python through ctypes: no compiled extension.

    python3 paiban.py REPORT.json OUT.pdf

or as a module:

    import paiban
    engine = paiban.Engine()
    pdf = engine.render(open("report.json", "rb").read(), name="report.json")
    status, text = engine.check(open("report.json", "rb").read())

The library is found through PAIBAN_LIBRARY (a path), else pkg-config's
libdir of paiban, else the system's library search.  One Engine may be used
by several threads at once; each call's messages are collected for it.
"""
import ctypes
import ctypes.util
import itertools
import os
import subprocess
import sys

# include/paiban.h
OK, ERR_INTERNAL, ERR_USAGE, ERR_INPUT, ERR_LAYOUT, ERR_IO, ERR_CHECK, ERR_MEMORY = range(8)
INFO, WARNING, ERROR = range(3)
CHECK_TEXT, CHECK_JSON = range(2)


class Message(ctypes.Structure):
    _fields_ = [
        ("severity", ctypes.c_int),
        ("status", ctypes.c_int),
        ("file", ctypes.c_char_p),
        ("path", ctypes.c_char_p),
        ("text", ctypes.c_char_p),
        ("line", ctypes.c_char_p),
    ]


MESSAGE_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(Message))


def _library_path():
    path = os.environ.get("PAIBAN_LIBRARY")
    if path:
        return path
    try:
        libdir = subprocess.run(["pkg-config", "--variable=libdir", "paiban"],
                                capture_output=True, text=True, check=True).stdout.strip()
        candidate = os.path.join(libdir, "libpaiban.so")
        if os.path.exists(candidate):
            return candidate
    except (OSError, subprocess.CalledProcessError):
        pass
    return ctypes.util.find_library("paiban") or "libpaiban.so"


def _load():
    lib = ctypes.CDLL(_library_path())
    p, c = ctypes.c_void_p, ctypes.c_char_p
    size, status = ctypes.c_size_t, ctypes.c_int
    signatures = {
        "pb_version": (c, []),
        "pb_status_text": (c, [status]),
        "pb_options_new": (p, []),
        "pb_options_free": (None, [p]),
        "pb_options_set_data_dir": (status, [p, c]),
        "pb_options_add_font_dir": (status, [p, c]),
        "pb_options_set_message_callback": (None, [p, MESSAGE_FN, p]),
        "pb_engine_new": (status, [p, ctypes.POINTER(p)]),
        "pb_engine_free": (None, [p]),
        "pb_request_new": (p, []),
        "pb_request_free": (None, [p]),
        "pb_request_set_report_bytes": (status, [p, c, c, size]),
        "pb_request_set_layout": (status, [p, c]),
        "pb_request_set_previous_bytes": (status, [p, c, c, size]),
        "pb_request_set_force": (None, [p, ctypes.c_int]),
        "pb_request_set_message_user": (None, [p, p]),
        "pb_render_bytes": (status, [p, p, ctypes.POINTER(p), ctypes.POINTER(size),
                                     ctypes.POINTER(p), ctypes.POINTER(size)]),
        "pb_check": (status, [p, p, ctypes.c_int, ctypes.c_int, ctypes.POINTER(p),
                              ctypes.POINTER(size)]),
        "pb_free": (None, [p]),
    }
    for name, (restype, argtypes) in signatures.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


_lib = _load()


class PaibanError(Exception):
    """A call failed: status is paiban's exit status, messages its lines."""

    def __init__(self, status, messages):
        self.status = status
        self.messages = messages
        text = _lib.pb_status_text(status).decode()
        super().__init__(f"{text} (status {status})" +
                         "".join(f"\n  {m}" for m in messages))


class Engine:
    """Layouts and fonts, loaded once and shared by every call."""

    def __init__(self, data_dir=None, font_dirs=()):
        self._calls = {}  # id -> messages of a running call
        self._ids = itertools.count(1)
        # kept alive as long as the engine: the library holds the pointer
        self._on_message = MESSAGE_FN(self._message)
        options = _lib.pb_options_new()
        if not options:
            raise MemoryError("paiban: out of memory")
        try:
            if data_dir:
                _lib.pb_options_set_data_dir(options, os.fsencode(data_dir))
            for d in font_dirs:
                _lib.pb_options_add_font_dir(options, os.fsencode(d))
            _lib.pb_options_set_message_callback(options, self._on_message, None)
            engine = ctypes.c_void_p()
            st = _lib.pb_engine_new(options, ctypes.byref(engine))
        finally:
            _lib.pb_options_free(options)
        if st != OK:
            raise PaibanError(st, [])
        self._engine = engine

    def _message(self, user, message):
        calls = self._calls.get(user or 0)
        if calls is not None:
            calls.append(message.contents.line.decode("utf-8", "replace"))

    def _request(self, report, name, layout, previous, force):
        request = _lib.pb_request_new()
        if not request:
            raise MemoryError("paiban: out of memory")
        st = _lib.pb_request_set_report_bytes(request, os.fsencode(name), report, len(report))
        if st == OK and layout:
            st = _lib.pb_request_set_layout(request, os.fsencode(layout))
        if st == OK and previous is not None:
            st = _lib.pb_request_set_previous_bytes(request, b"previous.json", previous,
                                                    len(previous))
        _lib.pb_request_set_force(request, 1 if force else 0)
        call = next(self._ids)
        self._calls[call] = []
        _lib.pb_request_set_message_user(request, call)
        return request, call, st

    def render(self, report, name="report.json", layout=None, previous=None, force=False):
        """The PDF of report (bytes of JSON); raises PaibanError."""
        request, call, st = self._request(report, name, layout, previous, force)
        pdf, pdf_len = ctypes.c_void_p(), ctypes.c_size_t()
        try:
            if st == OK:
                st = _lib.pb_render_bytes(self._engine, request, ctypes.byref(pdf),
                                          ctypes.byref(pdf_len), None, None)
            messages = self._calls.pop(call)
            if st != OK:
                raise PaibanError(st, messages)
            return ctypes.string_at(pdf, pdf_len.value)
        finally:
            _lib.pb_free(pdf)
            _lib.pb_request_free(request)

    def check(self, report, name="report.json", layout=None, previous=None, json=False):
        """(status, findings text) of report's numbers; status is OK or
        ERR_CHECK; raises PaibanError on bad input."""
        request, call, st = self._request(report, name, layout, previous, False)
        text, length = ctypes.c_void_p(), ctypes.c_size_t()
        try:
            if st == OK:
                st = _lib.pb_check(self._engine, request, CHECK_JSON if json else CHECK_TEXT,
                                   0, ctypes.byref(text), ctypes.byref(length))
            messages = self._calls.pop(call)
            if st not in (OK, ERR_CHECK):
                raise PaibanError(st, messages)
            return st, ctypes.string_at(text, length.value).decode()
        finally:
            _lib.pb_free(text)
            _lib.pb_request_free(request)

    def close(self):
        if self._engine:
            _lib.pb_engine_free(self._engine)
            self._engine = None

    def __del__(self):
        self.close()


def main(argv):
    if len(argv) != 3:
        print(f"usage: {argv[0]} REPORT.json OUT.pdf", file=sys.stderr)
        return 2
    with open(argv[1], "rb") as f:
        report = f.read()
    engine = Engine()
    try:
        pdf = engine.render(report, name=argv[1])
    except PaibanError as e:
        print(f"paiban: {e}", file=sys.stderr)
        return e.status
    with open(argv[2], "wb") as f:
        f.write(pdf)
    print(f"{argv[2]}: {len(pdf)} bytes of PDF (paiban {_lib.pb_version().decode()})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
