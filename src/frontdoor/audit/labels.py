"""What each audit action is called where people read the trail: the one place its words live.

Every action the code writes has a label here (tests/audit/test_labels.py reads the code for
them), so a page never shows an internal key such as `contact.state_changed`.
"""

from __future__ import annotations

ACTION_LABELS: dict[str, str] = {
    "access_log.read": "Read the access log",
    "account.created": "Account created",
    "account.locked_out": "Account locked after failed sign-ins",
    "account.sign_in_failed": "Sign-in failed",
    "account.sign_in_slowed": "Sign-ins slowed after failed attempts",
    "account.signed_in": "Signed in",
    "account.signed_out": "Signed out",
    "account.two_factor_failed": "Authenticator code refused",
    "account.two_factor_link_issued": "Authenticator set-up link issued",
    "account.two_factor_link_used": "Authenticator set-up link used",
    "account.two_factor_set_up": "Authenticator app set up",
    "account.two_factor_verified": "Authenticator code accepted",
    "api_token.issued": "API token issued",
    "api_token.revoked": "API token revoked",
    "api_token.used": "API token used",
    "attachment.added": "Document attached",
    "briefing.action_agreed": "Briefing action agreed",
    "consent.recorded": "Consent recorded",
    "consent.sharing_authorised": "Sharing without consent authorised",
    "consultation.became_contact": "Consultation taken as a contact",
    "consultation.recorded": "Consultation recorded",
    "contact.assigned": "Assigned",
    "contact.erased": "Contact erased under the retention policy",
    "contact.recorded": "Contact recorded",
    "contact.report_attached": "Further report added",
    "contact.state_changed": "Stage changed",
    "contact.transferred_in": "Contact arrived by transfer from another council",
    "decision.recorded": "Decision recorded",
    "details.corrected": "Details corrected",
    "enquiry.answered": "MASH enquiry answered",
    "enquiry.rag_reviewed": "Final RAG rating confirmed",
    "enquiry.sent": "MASH enquiry sent",
    "escalation.escalated": "Escalation moved to the next step",
    "escalation.opened": "Escalation opened",
    "escalation.resolved": "Escalation resolved",
    "exploitation.assessed": "Exploitation risk assessed",
    "export.downloaded": "Data downloaded",
    "follow_up.done": "Follow-up done",
    "follow_up.reopened": "Follow-up open again: the message did not reach them",
    "handoff.accepted": "Hand-off accepted by the case record",
    "handoff.delivered": "Hand-off delivered to the case record",
    "handoff.identifier_corrected": "Case record's identifier corrected",
    "handoff.identifier_linked": "Case record's identifier given to the person linked",
    "handoff.made": "Hand-off to the case record made",
    "handoff.replayed": "Hand-off sent again",
    "handoff.resumed": "Hand-off sent again once its record answered",
    "handoff.withdrawn": "Hand-off withdrawn: the revised decision no longer hands the child over",
    "household.linked": "Household linked",
    "involvements.imported": "Involvements imported",
    "meeting.cancelled": "Meeting cancelled",
    "meeting.recorded": "Meeting recorded",
    "meeting.scheduled": "Meeting scheduled",
    "outbox.sent_again": "Message sent again",
    "person.conflict_resolved": "Conflicting details resolved",
    "person.created": "Person record created",
    "person.known_elsewhere_shown": "Shown that the child is known to another council",
    "person.known_elsewhere_told": "Another council told this person is known here",
    "person.linked": "Linked to a person record",
    "person.merged": "Person records merged",
    "police.not_told": "Police not told, with the reason",
    "police.told": "Police told",
    "records.searched": "Records searched",
    "referral.resumed": "Referral resumed",
    "referral.returned": "Referral returned to the referrer",
    "restriction.changed": "Record restriction changed",
    "restriction.lifted": "Record restriction lifted",
    "restriction.refused": "Restricted record refused",
    "restriction.set": "Record restricted",
    "screening.saved": "Screening saved",
    "screening.suggestion_accepted": "Suggestion from the referral accepted",
    "screening.suggestion_rejected": "Suggestion from the referral marked not relevant",
    "single_agency_enquiry.recorded": "Single-agency enquiry recorded",
    "subject_access.disclosed": "Subject access export produced",
    "transfer.accepted": "Transfer accepted",
    "transfer.accepted_by_receiver": "Transfer accepted by the receiving council",
    "transfer.arrived": "Transfer arrived in the receiving council's inbox",
    "transfer.received": "Transfer received from another council",
}


def action_label(action: str) -> str:
    """The words for audit action `action`: its label, or the key itself if it has none."""
    return ACTION_LABELS.get(action, action)


# What the words an entry gives with it are, where they are not the reason for the action.
REASON_LABELS: dict[str, str] = {
    "escalation.opened": "What is disagreed with",
    "escalation.escalated": "Agreed plan",
    "escalation.resolved": "Agreed plan",
    "meeting.recorded": "Plan of action",
}


def reason_label(action: str) -> str:
    """The heading for the words entry `action` gave with it: "Reason" unless named here."""
    return REASON_LABELS.get(action, "Reason")
