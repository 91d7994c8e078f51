from django.urls import reverse


class TestDashboard:
    def test_dashboard_counts_and_recent_changes(self, client_for, world):
        response = client_for(world.admin).get(reverse("dashboard"))
        assert response.context["organization_count"] == 3
        assert response.context["person_count"] == 2
        assert response.context["partnership_count"] == 2
        by_status = {row["value"]: row["count"] for row in response.context["by_status"]}
        assert by_status["active"] == 1 and by_status["prospect"] == 1
        by_stage = {row["value"]: row["count"] for row in response.context["by_stage"]}
        assert by_stage["onboarding"] == 1 and by_stage["recruitment"] == 1
        assert response.context["recent_changes"]
        assert b"<svg" in response.content

    def test_dashboard_for_partner_lists_their_partnerships_only(self, client_for, world):
        response = client_for(world.partner_a_user).get(reverse("dashboard"))
        assert response.context["my_partnerships"] == [world.partnership_a]
        assert "recent_changes" not in response.context
        assert "Bêta channel" not in response.content.decode()

    def test_dashboard_query_count_is_bounded(self, client_for, world, django_assert_max_num_queries):
        client = client_for(world.admin)
        with django_assert_max_num_queries(30):
            client.get(reverse("dashboard"))
