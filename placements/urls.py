from django.urls import path

from . import views

app_name = "placements"

urlpatterns = [
    path("educators/", views.register, name="register"),
    path("educators/add/", views.educator_add, name="educator_add"),
    path("educators/mine/", views.my_entry, name="my_entry"),
    path("educators/<uuid:pk>/", views.educator, name="educator"),
    path("educators/<uuid:pk>/change/", views.educator_edit, name="educator_edit"),
]
