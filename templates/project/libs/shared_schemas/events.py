"""The envelope of every event between services: CloudEvents 1.0, in its JSON form.

The publisher builds one from its outbox row and the consumer validates it before anything
else: a message that is not a valid envelope is logged and dropped, never retried.
"""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The media type of an event in structured mode: the whole envelope is the message body.
CLOUDEVENTS_JSON = "application/cloudevents+json"


class CloudEvent(BaseModel):
    """One event: what happened (`type`), where (`source`), with its `data`."""

    # Unknown attributes are CloudEvents extensions: kept, not refused.
    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1, max_length=200, description="Unique per source.")
    source: str = Field(min_length=1, max_length=200, description="The service that emitted it.")
    type: str = Field(min_length=1, max_length=200, description="`<entity>.created` and so on.")
    time: datetime
    datacontenttype: Literal["application/json"] = "application/json"
    data: dict[str, Any]
