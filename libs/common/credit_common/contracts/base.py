"""The base of every shape one service answers and another reads."""

from pydantic import BaseModel, ConfigDict


class Contract(BaseModel):
    """Unknown fields are refused: a key renamed on one side only is an error, never a
    silent default on the other."""

    model_config = ConfigDict(extra="forbid")
