"""The public online multi-agency referral form (MARF), /refer/: no sign-in.

`views` are its pages, `questions` what each page asks, `pages` how a page's questions are read
from the browser and shown again, and `urls` its addresses.
"""
