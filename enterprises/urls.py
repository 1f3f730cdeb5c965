from django.urls import path

from enterprises import views

urlpatterns = [
    path("", views.enterprise_list, name="enterprise_list"),
    path("<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path(
        "<int:pk>/contact-phone/", views.enterprise_contact_phone, name="enterprise_contact_phone"
    ),
]
