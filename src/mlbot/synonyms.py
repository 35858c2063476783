"""Words people use for the same thing in questions, read as one term by the content analyzer (QnA Maker's
synonyms, built in). Each group's first word stands for the group. Kept to pairs that mean the same in almost
any FAQ; a user adds their own in a synonyms file (see README)."""
from __future__ import annotations

GROUPS = """
remote telecommute telework telecommuting teleworking remotely wfh
challenge problem obstacle difficulty hurdle struggle pitfall drawback downside
responsibility duty task
skill competency competence ability expertise
salary pay wage compensation earnings income
price cost fee charge
buy purchase
cancel terminate
delete remove erase
begin start commence
job position occupation
business company firm employer organization organisation
fast quick rapid speedy
big large huge
small little tiny
help assist support aid
need require
allow permit let
use utilize utilise employ
error bug fault glitch
choose select pick
show display
mistake error
learn study
hire recruit
answer reply respond response
phone telephone mobile cellphone smartphone
email e-mail mail
photo picture image pic
movie film video
car automobile vehicle
money cash funds
refund reimburse reimbursement
modify change alter edit
fix repair resolve solve
broken damaged faulty
send transfer
get obtain receive
enough sufficient
die death dead deceased
vacation holiday holidays pto leave
bike bicycle cycle
office workplace
located location situated
open opens opening
close closes closing shut
login log-in signin sign-in logon
password passcode passphrase
dog pet puppy
parking park
internet wifi wi-fi wireless
laptop notebook computer pc
doctor physician
kid child children
contact reach
every each
old previous earlier former
new latest recent
private hidden secret
public visible
""".strip().splitlines() + """
zero 0
one 1
two 2
three 3
four 4
five 5
six 6
seven 7
eight 8
nine 9
ten 10
eleven 11
twelve 12
fifteen 15
twenty 20
thirty 30
forty 40
fifty 50
hundred 100
thousand 1000
""".strip().splitlines()

CANONICAL: dict[str, str] = {}
for _line in GROUPS:
    _words = _line.split()
    for _w in _words:
        CANONICAL.setdefault(_w, _words[0])

# Phrases read as one word before tokenizing (lowercase, whole words).
PHRASES = {
    "work from home": "remote",
    "working from home": "remote",
    "from home": "remote",
    "home office": "remote",
    "hands on": "practical",
    "hands-on": "practical",
    "real world": "practical",
    "real-world": "practical",
    "day to day": "daily",
    "day-to-day": "daily",
    "time off": "vacation",
    "days off": "vacation",
    "day off": "vacation",
    "log in": "login",
    "sign in": "login",
}
