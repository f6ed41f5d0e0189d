"""OAI-PMH 2.0 (https://www.openarchives.org/OAI/openarchivesprotocol.html): the provider at
``/oai`` (``provider``), its resumption tokens (``tokens``), the records it exposes and their
tombstones (``records``), and the harvester behind ``xietong harvest`` (``harvest``)."""
