from django.urls import path

from issues import calendar_views

urlpatterns = [
    path("", calendar_views.calendar_year_list, name="calendar_year_list"),
    path("<int:year>/", calendar_views.calendar_year_edit, name="calendar_year_edit"),
]
