"""Disclosure's use cases, one module per family: ``(command, uow) -> result``; the
entrypoint commits. The rules they apply live in ``disclosure.domain``."""
