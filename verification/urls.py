from django.urls import path

from verification import public

urlpatterns = [
    path("claims/<int:pk>/", public.public_claim, name="public-claim"),
]
