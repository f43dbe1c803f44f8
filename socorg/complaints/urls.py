from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_list, name="list"),
    path("figures/", views.complaint_figures_page, name="figures"),
    path("new/", views.complaint_create, name="create"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/reveal/", views.complaint_reveal, name="reveal"),
    path("<int:pk>/accept/", views.complaint_accept, name="accept"),
    path("<int:pk>/assign/", views.complaint_assign, name="assign"),
    path("<int:pk>/investigate/", views.complaint_investigate, name="investigate"),
    path("<int:pk>/conclude/", views.complaint_conclude, name="conclude"),
    path("<int:pk>/reply/", views.complaint_reply, name="reply"),
]
