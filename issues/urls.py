from django.urls import path

from issues import views

urlpatterns = [
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
]
