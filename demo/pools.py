"""Fixed word lists for the demo authority: every person, place and school in it is fictional.

Children's first names are ones popular in England and Wales in 2005-2020; staff names and most
surnames come from Faker's en_GB lists (ONS surname frequencies). Names for other heritages are common
given names and surnames, combined at random, so no real person is described.
"""

from __future__ import annotations

from dataclasses import dataclass

BOYS = (
    "Oliver Jack Harry George Noah Charlie Jacob Alfie Freddie Oscar Leo Logan Archie Theo Thomas James "
    "Joshua Henry William Max Lucas Ethan Arthur Isaac Harrison Teddy Finley Daniel Riley Edward Joseph "
    "Alexander Adam Reggie Samuel Jaxon Sebastian Elijah Harley Toby Arlo Dylan Jude Benjamin Rory Tommy "
    "Jake Louie Carter Jenson Hugo Bobby Frankie Ollie Zachary David Albie Lewis Luca Ronnie Jackson Matthew "
    "Alex Harvey Reuben Jayden Caleb Hunter Theodore Nathan Blake Luke Elliot Kai Liam Ryan Tyler Callum "
    "Connor Kian Kyle Bradley Brandon Aaron Cameron Mason Ellis Billy Stanley Leon Kayden Corey Declan "
    "Jamie Michael Owen Sam Alfred Lenny Jesse Mikey Rhys"
).split()
GIRLS = (
    "Olivia Amelia Isla Ava Mia Isabella Sophia Grace Lily Freya Emily Ivy Ella Rosie Evie Florence Poppy "
    "Charlotte Willow Sienna Daisy Phoebe Evelyn Sophie Alice Isabelle Sofia Harper Matilda Ruby Emilia "
    "Maya Jessica Chloe Millie Layla Holly Lucy Scarlett Ellie Erin Megan Lola Esme Eva Hannah Amber Summer "
    "Lacey Leah Niamh Caitlin Courtney Shannon Jade Bethany Abigail Georgia Lauren Katie Amy Zara Keira "
    "Paige Tia Demi Kayla Skye Harmony Maisie Imogen Elsie Rebecca Molly Madison Darcy Isabel Eleanor "
    "Violet Aria Luna Bella Hollie Nicole Jasmine Brooke Abbie Eliza Gracie Mollie Elizabeth Katherine"
).split()

KNOWN_AS = {
    "Alexander": "Alex",
    "Alfred": "Alfie",
    "Benjamin": "Ben",
    "Charlotte": "Lottie",
    "Daniel": "Danny",
    "Elizabeth": "Lizzie",
    "Isabella": "Bella",
    "Jessica": "Jess",
    "Joshua": "Josh",
    "Katherine": "Kate",
    "Matthew": "Matty",
    "Michael": "Mikey",
    "Nathan": "Nate",
    "Olivia": "Liv",
    "Rebecca": "Becky",
    "Samuel": "Sam",
    "Theodore": "Teddy",
    "Thomas": "Tom",
    "William": "Will",
    "Zachary": "Zach",
}


@dataclass(frozen=True)
class Heritage:
    """Names and first languages for one group of families ("" names: use the English lists)."""

    boys: tuple[str, ...] = ()
    girls: tuple[str, ...] = ()
    surnames: tuple[str, ...] = ()
    languages: tuple[tuple[str, float], ...] = (("English", 1.0),)


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


HERITAGE = {
    "english": Heritage(),
    "caribbean": Heritage(
        surnames=_names(
            "Campbell Williams Brown Thomas Robinson Clarke Francis Grant Henry Reid Morgan Bailey Samuels "
            "Johnson Gordon Palmer Edwards Richards Powell Stewart"
        )
    ),
    "african": Heritage(
        boys=_names(
            "Daniel David Samuel Emmanuel Joshua Michael Tobi Kwame Chidi Tunde Kofi Abdi Mohamed Ayo Femi "
            "Ebenezer Nathaniel Isaac Elijah Jayden"
        ),
        girls=_names(
            "Grace Esther Blessing Favour Precious Amara Chioma Adaeze Ife Deborah Abena Naomi Faith Ruth "
            "Hodan Sagal Amina Mercy Joy Comfort"
        ),
        surnames=_names(
            "Mensah Okafor Adeyemi Owusu Boateng Osei Adebayo Okonkwo Mohamed Abdi Hassan Yusuf Ibrahim "
            "Asante Nwosu Oyelaran Bello Kamara Sesay Addo"
        ),
        languages=(("English", 0.7), ("Somali", 0.1), ("Yoruba", 0.08), ("Arabic", 0.07), ("French", 0.05)),
    ),
    "south_asian_muslim": Heritage(
        boys=_names(
            "Mohammed Muhammad Ibrahim Yusuf Ayaan Zayn Hamza Ali Omar Adam Ismail Bilal Rayyan "
            "Zakariya Haris Arham Musa Abdullah Imran Faisal"
        ),
        girls=_names(
            "Maryam Fatima Aisha Zainab Hafsa Amira Inaya Hawa Safa Khadija Aleena Anaya Iman Zara Noor Sana "
            "Mariam Ayesha Hana Rukhsar"
        ),
        surnames=_names(
            "Khan Ahmed Hussain Ali Begum Mahmood Rahman Akhtar Iqbal Shah Hussein Miah Uddin Islam "
            "Chowdhury Malik Bibi Rashid Aslam Javed"
        ),
        languages=(("English", 0.72), ("Urdu", 0.12), ("Bengali (Sylheti)", 0.1), ("Punjabi", 0.06)),
    ),
    "indian": Heritage(
        boys=_names("Arjun Rohan Aarav Dev Krish Veer Jai Ravi Sahil Harjeet Gurpreet Nikhil Ishaan Kabir"),
        girls=_names("Priya Anika Diya Simran Riya Meera Asha Navneet Jasleen Kiran Leela Tara Nisha Anjali"),
        surnames=_names(
            "Patel Singh Kaur Sharma Kumar Gill Sandhu Shah Mistry Parmar Chauhan Sidhu Bains Dhillon Joshi"
        ),
        languages=(("English", 0.75), ("Punjabi", 0.12), ("Gujarati", 0.13)),
    ),
    "east_european": Heritage(
        boys=_names(
            "Jakub Filip Szymon Kacper Mateusz Antoni Aleksander Andrei Luca Matei Lukas Dominik Adrian "
            "Nikola"
        ),
        girls=_names(
            "Zuzanna Julia Maja Hanna Lena Natalia Amelia Ioana Maria Elena Alexandra Emilia Gabriela "
            "Wiktoria"
        ),
        surnames=_names(
            "Nowak Kowalski Wozniak Kaminski Lewandowski Zielinski Popescu Ionescu Popa Stan Dumitru "
            "Kazlauskas Petrov Horvat Balogh"
        ),
        languages=(("Polish", 0.35), ("Romanian", 0.25), ("English", 0.3), ("Lithuanian", 0.1)),
    ),
    "chinese": Heritage(
        boys=_names("Wei Jun Hao Ethan Ryan Jason Kevin Tony"),
        girls=_names("Mei Xin Lily Chloe Ying Jia Amy Grace"),
        surnames=_names("Chen Wang Li Zhang Liu Wong Lam Cheung"),
        languages=(("English", 0.7), ("Cantonese", 0.15), ("Mandarin", 0.15)),
    ),
}

# DfE ethnicity codes, in roughly the mix of children in need in England (2020), with the names used.
ETHNICITY_MIX: tuple[tuple[str, float, str], ...] = (
    ("WBRI", 60.0, "english"),
    ("WIRI", 0.5, "english"),
    ("WIRT", 0.4, "english"),
    ("WOTH", 6.0, "east_european"),
    ("WROM", 0.7, "east_european"),
    ("MWBC", 2.5, "caribbean"),
    ("MWBA", 1.0, "african"),
    ("MWAS", 1.5, "english"),
    ("MOTH", 3.0, "english"),
    ("AIND", 1.5, "indian"),
    ("APKN", 3.0, "south_asian_muslim"),
    ("ABAN", 1.5, "south_asian_muslim"),
    ("AOTH", 1.5, "south_asian_muslim"),
    ("BCRB", 1.5, "caribbean"),
    ("BAFR", 4.5, "african"),
    ("BOTH", 1.5, "african"),
    ("CHNE", 0.3, "chinese"),
    ("OOTH", 3.0, "african"),
    ("REFU", 0.5, "english"),
    ("NOBT", 2.0, "english"),
)


@dataclass(frozen=True)
class AsylumOrigin:
    """Unaccompanied asylum-seeking children: the commonest origins in England, 2019-20."""

    ethnicity: str
    languages: tuple[str, ...]
    boys: tuple[str, ...]
    girls: tuple[str, ...]
    surnames: tuple[str, ...]
    weight: float


UASC_ORIGINS = (
    AsylumOrigin(
        "BAFR",
        ("Tigrinya",),
        _names("Abel Yonas Filmon Merhawi Dawit Tesfay Robel Kibrom"),
        _names("Selam Helen Ruta Nardos Meron"),
        _names("Tesfaye Haile Gebremedhin Kidane Berhane Tekle"),
        0.25,
    ),
    AsylumOrigin(
        "BAFR",
        ("Arabic",),
        _names("Mohamed Abdelrahman Osman Yusuf Ahmed Elsadig"),
        _names("Fatima Amna Safa"),
        _names("Osman Ibrahim Ahmed Abdalla Hamid"),
        0.2,
    ),
    AsylumOrigin(
        "AOTH",
        ("Pashto", "Dari"),
        _names("Ahmad Mohammad Abdul Hamid Jawad Karim Omid Samiullah Rahmatullah"),
        _names("Zahra Parwana Mursal"),
        _names("Ahmadi Hussaini Rahimi Karimi Mohammadi Noori Safi Stanikzai"),
        0.25,
    ),
    AsylumOrigin(
        "OOTH",
        ("Kurdish (Sorani)", "Farsi"),
        _names("Aram Rebin Dilan Hawre Karwan Reza Mustafa"),
        _names("Shilan Zhiyan"),
        _names("Rasul Karim Aziz Mahmoud Rezaei"),
        0.15,
    ),
    AsylumOrigin(
        "AOTH",
        ("Vietnamese",),
        _names("Minh Tuan Duc Hieu Long"),
        _names("Linh Trang"),
        _names("Nguyen Tran Pham Le Hoang"),
        0.08,
    ),
    AsylumOrigin(
        "WOTH",
        ("Albanian",),
        _names("Ardit Klajdi Ermal Besnik Arben"),
        _names("Anila Elira"),
        _names("Hoxha Shehu Krasniqi Gashi Berisha"),
        0.07,
    ),
)

# The demo borough's towns, each with the postcode districts (all in the fictional "ZZ" area) it covers.
TOWNS: tuple[tuple[str, float, tuple[int, ...]], ...] = (
    ("Eastbrook", 0.34, (1, 2, 3, 4, 5, 6)),
    ("Castlewick", 0.14, (7, 8)),
    ("Saltmoor", 0.1, (9, 10)),
    ("Hollin Green", 0.09, (11,)),
    ("Fenby", 0.08, (12, 13)),
    ("Ashworth Vale", 0.07, (14,)),
    ("Kingsmere", 0.07, (15, 16)),
    ("Brindle Cross", 0.06, (17,)),
    ("Upper Wyke", 0.05, (18,)),
)
STREET_SUFFIXES = (
    "Road",
    "Street",
    "Close",
    "Avenue",
    "Lane",
    "Way",
    "Drive",
    "Crescent",
    "Gardens",
    "Grove",
    "Court",
    "Place",
    "Terrace",
    "Walk",
    "Rise",
    "View",
    "Mews",
    "Green",
)
PLACES = _names(
    "Meadowbank Oakfield Hillcrest Brookside Greenway Fairfield Ashgrove Larkrise Willowdene Elmhurst "
    "Westfield Northgate Riverside Hollybank Beechwood Millfield Thornton Highcliffe Parkside Sandhill "
    "Bramley Foxhill Heathcote Kingfisher Lindenfield Marshside Orchard Redwood Rosehill Southmead "
    "Stonebridge Sycamore Woodlands Yewtree Claybrook Hawthorn Moorside Newlands Priory Whitecross"
)
SAINTS = _names("Mary Joseph Peter Paul John Anne Michael Andrew Bede Chad Hilda Aidan Thomas Margaret")
CHILDRENS_HOMES = _names(
    "Oakfield Larch Rowan Hazel Juniper Maple Cedar Alder Aspen Linden Holly Elder Briar Heather Willow"
)
SUPPORTED_PROVIDERS = (
    "Eastbrook Supported Lodgings",
    "Brightpath Supported Living",
    "Stepping Stones Housing",
    "Harbour Young People's Service",
    "Northlight Supported Accommodation",
)

HEALTH_NEEDS = (
    "Asthma (uses an inhaler)",
    "Eczema",
    "Type 1 diabetes",
    "Epilepsy, controlled by medication",
    "Hearing aids in both ears",
    "Congenital heart condition, under cardiology",
    "Allergy to nuts (carries an adrenaline pen)",
    "Born prematurely; chronic lung disease",
    "ADHD, takes medication",
    "Sickle cell trait",
    "Cerebral palsy",
    "Down's syndrome",
)
# Conditions on the 2020 shielding list (clinically extremely vulnerable).
CEV_NEEDS = (
    "Cystic fibrosis (clinically extremely vulnerable)",
    "Receiving chemotherapy for leukaemia (clinically extremely vulnerable)",
    "Severe asthma needing regular steroids (clinically extremely vulnerable)",
    "Kidney transplant, on immunosuppressants (clinically extremely vulnerable)",
    "Sickle cell disease (clinically extremely vulnerable)",
    "Complex heart condition awaiting surgery (clinically extremely vulnerable)",
)
DIGITAL_NOTES = (
    "One smartphone shared by the family; limited data",
    "Laptop lent by the school in April 2020",
    "Mother's phone only; credit runs out at the end of the month",
    "Older sibling helps set up video calls",
    "Good broadband; uses WhatsApp video",
    "No wifi at home; uses the library when open",
    "Tablet provided by the council; needs help to charge it and connect",
)
RESTRICTION_REASONS = (
    "Parent works for the council's children's services",
    "Placement address must not be disclosed to the birth family",
    "High-profile family: access limited to the people working with the child",
    "Relative of a member of staff",
)

# Staff absence notes by reason.
ABSENCE_NOTES = {
    "sick": ("Unwell; fit note to follow", "Covid-19 symptoms; test booked", "Back injury", ""),
    "self_isolating": (
        "Household member tested positive",
        "Contacted by NHS Test and Trace",
        "Symptomatic; awaiting a test result",
    ),
    "shielding": ("Shielding letter from GP", "Clinically extremely vulnerable; working from home"),
    "caring": ("School closed: caring for two children", "Caring for a parent who is unwell", ""),
    "leave": ("Annual leave", "Annual leave booked before the emergency", "Compassionate leave"),
}
COVID_NOTES = {
    "symptomatic": ("Mother has a new continuous cough", "Child has a high temperature", ""),
    "confirmed": ("Positive test for one adult", "Positive test for the children's father", ""),
    "isolating": (
        "Isolating after a positive test in the household",
        "Told to isolate by Test and Trace",
        "",
    ),
    "shielding": ("Shielding letter received", "Shielding on GP advice", ""),
}
