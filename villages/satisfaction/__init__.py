"""Household satisfaction (群众定效, C1, C2, C5): survey rounds and answers, results over the
rounds, results per assisting unit and helping cadre, outreach and livelihood outcomes."""
