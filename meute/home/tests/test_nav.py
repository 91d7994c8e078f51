"""The top bar: grouped menus, the Menu button, the current page marked in its group."""

from django.urls import reverse


def test_grouped_menus_and_the_menu_button(client_for, world):
    html = client_for(world.manager).get(reverse("deal-list")).content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    for group in ("Network", "Sales", "Programmes", "Groupings"):
        assert f">{group}</summary>" in nav
    assert 'aria-controls="main-nav"' in html and ">Menu</button>" in html
    # The current page is marked, and so is its group.
    assert '<summary class="nav__link" aria-current="page">Sales</summary>' in nav
    assert '<a href="/deals/" aria-current="page">Deals</a>' in nav
    assert "Partner metrics" in nav


def test_partners_get_their_own_links(client_for, world):
    html = client_for(world.partner_a_user).get("/").content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    assert "My organisation" in nav and "Partner directory" not in nav
    assert 'href="/leads/portal/"' in nav and "Partner metrics" not in nav


def test_the_french_bar_names_its_groups_in_french(client_for, world):
    client = client_for(world.manager)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    for group in ("Réseau", "Ventes", "Programmes", "Groupements"):
        assert f">{group}</summary>" in nav
