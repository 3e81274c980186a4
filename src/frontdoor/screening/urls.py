from django.urls import path

from frontdoor.screening import people_views, views

app_name = "screening"

urlpatterns = [
    path(
        "contacts/<str:reference>/people/<str:kind>/<int:reported_id>/match/",
        people_views.match,
        name="match_person",
    ),
    path(
        "contacts/<str:reference>/people/<str:kind>/<int:reported_id>/correct/",
        people_views.correct_reported,
        name="correct_reported",
    ),
    path(
        "contacts/<str:reference>/people/household/",
        people_views.household,
        name="link_household",
    ),
    path("contacts/<str:reference>/screening/", views.contact_screening, name="contact"),
    path("contacts/<str:reference>/screening/start/", views.start, name="start"),
    path("contacts/<str:reference>/screening/submit/", views.submit, name="submit"),
    path("contacts/<str:reference>/screening/close/", views.close, name="close"),
    path(
        "contacts/<str:reference>/screening/accept-transfer/",
        views.accept_transfer,
        name="accept_transfer",
    ),
    path("contacts/<str:reference>/screening/consent/", views.record_consent, name="consent"),
    path("contacts/<str:reference>/screening/police/", views.police_told, name="police"),
    path(
        "contacts/<str:reference>/screening/single-agency/",
        views.single_agency_enquiry,
        name="single_agency",
    ),
    path("contacts/<str:reference>/screening/return/", views.return_referral, name="return"),
    path("contacts/<str:reference>/screening/resume/", views.resume_referral, name="resume"),
    path(
        "contacts/<str:reference>/screening/authorise/",
        views.authorise_sharing,
        name="authorise",
    ),
    path(
        "contacts/<str:reference>/screening/children/<int:child_id>/",
        views.child_findings,
        name="findings",
    ),
    path(
        "contacts/<str:reference>/screening/children/<int:child_id>/decision/",
        views.decide,
        name="decide",
    ),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("queues/screening/", views.screening_queue, name="queue"),
    path("queues/mine/", views.my_work, name="mine"),
    path("queues/team/", views.team_queue, name="team"),
]
