"""Errors: a network the binary refuses (exit 2) and a run that fails (exit 1)."""
import re


class NetworkError(ValueError):
    """The network (or a name given to the builder) is not valid.

    `pointer` is the JSON pointer into the network file ("/projections/3/delay"), empty when
    the error is about the file as a whole; `message` says what was found and expected.
    """

    def __init__(self, pointer, message):
        self.pointer = pointer
        self.message = message
        super().__init__(f"{pointer}: {message}" if pointer else message)

    @classmethod
    def from_stderr(cls, text):
        """Parses the binary's 'spikesim: error: FILE: /pointer: message' line."""
        for line in text.splitlines():
            m = re.match(r"spikesim: error: (.*)$", line)
            if not m:
                continue
            rest = m.group(1)
            m2 = re.match(r"[^:]*\.json: (/[^:]*): (.*)$", rest) or re.match(r".*?: (/[^ :]*): (.*)$", rest)
            if m2:
                return cls(m2.group(1), m2.group(2))
            m3 = re.match(r"[^:]*\.json: (.*)$", rest)
            return cls("", m3.group(1) if m3 else rest)
        return cls("", text.strip())


class RunFailed(RuntimeError):
    """The binary failed while running (exit code 1) or was stopped by a signal."""
