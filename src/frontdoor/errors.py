"""The error a domain function raises when it refuses: its message is for the worker to act on."""


class DomainError(Exception):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)
