"""Hand-offs: each child the front door routes reaches the council's case record once (R44)."""
