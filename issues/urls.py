from django.urls import path

from issues import list_views, meeting_views, views

urlpatterns = [
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/act/<slug:action>/", views.ticket_act, name="ticket_act"),
    path("<int:pk>/assignment-form/", views.assignment_form, name="assignment_form"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("list/", list_views.problem_list, name="problem_list"),
    path("sorting/", views.sorting_queue, name="sorting_queue"),
    path("sorting/group/", views.group_tickets, name="group_tickets"),
    path("meetings/", meeting_views.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/minutes/", meeting_views.meeting_minutes, name="meeting_minutes"),
    path("notifications/", views.inbox, name="inbox"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
]
