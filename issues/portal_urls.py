from django.urls import path

from issues import portal_views as views

urlpatterns = [
    path("", views.home, name="portal_home"),
    path("login/", views.login, name="portal_login"),
    path("login/code/", views.verify, name="portal_verify"),
    path("logout/", views.logout, name="portal_logout"),
    path("new/", views.raise_problem, name="portal_raise"),
    path("tickets/<int:pk>/", views.ticket, name="portal_ticket"),
    path("tickets/<int:pk>/answer/", views.answer, name="portal_answer"),
    path("tickets/<int:pk>/rate/", views.rate, name="portal_rate"),
    path(
        "tickets/<int:pk>/files/<int:attachment_pk>/",
        views.attachment,
        name="portal_attachment",
    ),
]
